using IlgpuSiamese.Tests.Support;
using IlgpuSiamese.Training.Data;

namespace IlgpuSiamese.Tests.Fuzzing;

/// <summary>Seeded mutations of small IDX image and label files, raw and gzip: 12,000 inputs, each accepted or refused by name.</summary>
public class IdxFuzzTests
{
    [Test]
    public void EveryMutatedIdxFileIsAcceptedOrRefusedByName()
    {
        using var folder = new TempFolder();
        var path = folder["fuzzed-idx-ubyte"];
        var (pixels, labels) = IdxFiles.Synthetic(classes: 3, perClass: 2, side: 4, seed: 5);
        byte[][] valid =
        [
            IdxFiles.Images(labels.Length, 4, 4, pixels), IdxFiles.Labels(labels),
            IdxFiles.Gzip(IdxFiles.Images(labels.Length, 4, 4, pixels)), IdxFiles.Gzip(IdxFiles.Labels(labels)),
        ];
        var mutator = new Mutator(seed: 12);
        var tally = Fuzz.Run(12_000, path, i => mutator.Mutate(valid[i % valid.Length]), (i, bytes) =>
        {
            File.WriteAllBytes(path, bytes);
            if (i % 2 == 0)
                IdxReader.ReadImages(path);
            else
                IdxReader.ReadLabels(path);
        });
        Assert.That(tally.Refused, Is.GreaterThan(6_000));
        Assert.That(tally.Accepted, Is.GreaterThan(0), "a changed pixel or label is still a valid file");
    }
}
