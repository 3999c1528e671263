using System.CommandLine;
using IlgpuSiamese.Training.Data;

namespace IlgpuSiamese.Cli.Commands;

/// <summary><c>siamese data fetch &lt;mnist|fashion-mnist&gt; [--data-dir DIR]</c>: puts a verified copy in the cache; the last line is its folder.</summary>
public static class DataCommand
{
    public static Command Create()
    {
        var dataset = new Argument<string>("dataset") { Description = "The dataset to fetch." };
        dataset.AcceptOnlyFromAmong(KnownDataset.All.Select(d => d.Name).ToArray());
        var dataDir = CommonOptions.DataDir();
        var fetch = new Command("fetch", "Fetch a dataset into the cache and verify every file's SHA-256; prints its folder last.") { dataset, dataDir };
        fetch.SetAction(parse =>
        {
            var known = KnownDataset.Find(parse.GetRequiredValue(dataset))!;
            var location = DataLocation.Resolve(parse.GetValue(dataDir));
            var folder = DataConsole.Run((log, progress) => DatasetFetcher.Ensure(known, location, log, progress));
            Console.WriteLine(folder);
            return ExitCodes.Ok;
        });
        return new Command("data", "Datasets: fetch MNIST or Fashion-MNIST into the cache.") { fetch };
    }
}
