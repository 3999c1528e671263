using System.Globalization;
using IlgpuSiamese.DigitPhotos;
using IlgpuSiamese.Training.Data;

// DigitPhotos render OUT [PAIRS_PER_KIND] [SEED]: MNIST test digits rendered as photos and scans (one folder per
// PhotoKind, files <digit>_<test index>), and OUT/pairs.csv: PAIRS_PER_KIND pairs per kind, same and different digits alternating.
// DigitPhotos accuracy SCORES.csv: per-kind pair accuracy of `siamese compare --pairs OUT/pairs.csv --csv SCORES.csv`.
// DigitPhotos sheet OUT PNG [PER_KIND]: PER_KIND (8) files of each kind, evenly spaced, as rendered and as prepared (ContactSheet).
if (args is ["render", var output, ..])
{
    var perKind = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 500;
    var seed = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 42;
    var test = Datasets.Load(KnownDataset.Mnist.Name, DataLocation.Resolve(null), new Progress<string>(Console.Error.WriteLine)).Test;
    var lines = new List<string> { "first,second" };
    foreach (var kind in Enum.GetValues<PhotoKind>())
    {
        var random = new Random(seed + (int)kind);
        var folder = Directory.CreateDirectory(Path.Combine(output, kind.ToString().ToLowerInvariant())).FullName;
        string File(int index) => Path.GetRelativePath(output, DigitRenderer.Render(kind, test.Image(index), random, Path.Combine(folder, $"{test.Labels[index]}_{index:00000}")));
        for (var p = 0; p < perKind; p++)
        {
            var first = random.Next(test.Count);
            int second;
            do
                second = random.Next(test.Count);
            while (second == first || (test.Labels[second] == test.Labels[first]) != (p % 2 == 0));
            lines.Add($"{File(first)},{File(second)}");
        }
    }
    System.IO.File.WriteAllLines(Path.Combine(output, "pairs.csv"), lines);
    Console.WriteLine($"{Path.Combine(output, "pairs.csv")}: {lines.Count - 1} pairs");
    return 0;
}
if (args is ["accuracy", var scores])
{
    var rows = System.IO.File.ReadLines(scores).Skip(1).Select(Csv.Split)
        .Select(f => (Kind: Path.GetFileName(Path.GetDirectoryName(f[0]))!, Truth: Digit(f[0]) == Digit(f[1]), Said: f[3] == "true")).ToList();
    Console.WriteLine("| kind | pairs | accuracy |\n|---|---:|---:|");
    foreach (var group in rows.GroupBy(r => r.Kind).Append(rows.GroupBy(_ => "all").Single()))
        Console.WriteLine($"| {group.Key} | {group.Count()} | {group.Average(r => r.Truth == r.Said ? 1.0 : 0.0):0.000} |");
    return 0;
}
if (args is ["sheet", var renders, var png, ..])
{
    ContactSheet.Write(renders, png, args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 8);
    Console.WriteLine(png);
    return 0;
}
Console.Error.WriteLine("usage: DigitPhotos render OUT [PAIRS_PER_KIND] [SEED] | DigitPhotos accuracy SCORES.csv | DigitPhotos sheet OUT PNG [PER_KIND]");
return 2;

static string Digit(string path) => Path.GetFileName(path).Split('_')[0];
