using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using IlgpuSiamese.Cli;
using IlgpuSiamese.Tests.Support;

namespace IlgpuSiamese.Tests.Package;

/// <summary>
/// The NuGet packages as a user meets them: packed into a local folder feed, referenced by a separate console app
/// (Tests/Package/Consumer) built outside the repository, whose answer on two samples must be <c>siamese compare</c>'s
/// to the digits both print.
/// </summary>
public class PackageTests
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    private static readonly string[] Packages = ["IlgpuSiamese", "IlgpuSiamese.Kernels", "IlgpuSiamese.Network", "IlgpuSiamese.Training"];

    [Test]
    public void AnAppBuiltFromThePackagesGivesTheSimilarityThatCompareGives()
    {
        Backends.Open("opencl:0");
        var root = Repository.Root();
        var (first, second) = (Path.Combine(root, "samples", "4_4.png"), Path.Combine(root, "samples", "9_7.png"));
        using var temp = new TempFolder();
        var feed = temp["feed"];
        // The projects are built already (the tests reference them): pack only puts them in packages.
        Dotnet(root, ["pack", "IlgpuSiamese.sln", "-c", Configuration, "--no-build", "-o", feed]);
        var version = Regex.Match(string.Join(' ', Directory.GetFiles(feed).Select(Path.GetFileName)), @"\bIlgpuSiamese\.(\d[^ ]*)\.nupkg\b").Groups[1].Value;
        Assert.That(Directory.GetFiles(feed).Select(Path.GetFileName), Is.EquivalentTo(Packages.Select(p => $"{p}.{version}.nupkg")),
            "the library and the projects it stands on, and nothing else");

        var app = Directory.CreateDirectory(temp["app"]).FullName;
        var template = Path.Combine(root, "Tests", "Package", "Consumer");
        File.Copy(Path.Combine(template, "Consumer.csproj.template"), Path.Combine(app, "Consumer.csproj"));
        File.Copy(Path.Combine(template, "Program.cs"), Path.Combine(app, "Program.cs"));
        WriteNugetConfig(temp.Path, feed, Registries(root));
        Dotnet(app, ["build", "-c", "Release", $"-p:IlgpuSiameseVersion={version}", "--disable-build-servers"]);
        var assets = JsonDocument.Parse(File.ReadAllText(Path.Combine(app, "obj", "project.assets.json"))).RootElement;
        Assert.That(assets.GetProperty("libraries").GetProperty($"IlgpuSiamese/{version}").GetProperty("type").GetString(), Is.EqualTo("package"),
            "the app references the package, not the projects");

        var printed = Dotnet(app, [Path.Combine("bin", "Release", "net10.0", "Consumer.dll"), first, second, "opencl"]).Trim();

        var cli = CliRunner.Run("compare", first, second, "--json", "--device", "opencl");
        Assert.That(cli.Code, Is.EqualTo(ExitCodes.Ok), cli.Error);
        var json = JsonDocument.Parse(cli.Out).RootElement;
        var similarity = json.GetProperty("similarity").GetSingle().ToString("0.0000", CultureInfo.InvariantCulture);
        Assert.That(printed, Is.EqualTo($"{similarity} {(json.GetProperty("same").GetBoolean() ? "same" : "different")}"));
    }

    /// <summary>
    /// A nuget.config beside the app: the feed just packed (the only source of IlgpuSiamese*, so no stale copy of the
    /// same version can be taken), the machine's own package folder as a feed (offline and fast), the registries this
    /// machine uses, and a packages folder of its own.
    /// </summary>
    private static void WriteNugetConfig(string folder, string feed, IReadOnlyList<string> registries)
    {
        var machinePackages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } set
            ? set
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var others = registries.Select((url, i) => ($"registry{i + 1}", url)).Prepend(("machine", machinePackages)).ToList();
        var config = new XElement("configuration",
            new XElement("config", Add("globalPackagesFolder", Path.Combine(folder, "packages"))),
            new XElement("packageSources", new XElement("clear"), Add("feed", feed), others.Select(s => Add(s.Item1, s.Item2))),
            new XElement("packageSourceMapping",
                new XElement("packageSource", new XAttribute("key", "feed"), Packages.Select(p => new XElement("package", new XAttribute("pattern", p)))),
                others.Select(s => new XElement("packageSource", new XAttribute("key", s.Item1), new XElement("package", new XAttribute("pattern", "*"))))));
        config.Save(Path.Combine(folder, "nuget.config"));
    }

    private static XElement Add(string key, string value) => new("add", new XAttribute("key", key), new XAttribute("value", value));

    /// <summary>The package sources enabled on this machine (its NuGet configuration as seen from the repository).</summary>
    private static List<string> Registries(string root) =>
        Dotnet(root, ["nuget", "list", "source", "--format", "Short"]).Split('\n')
            .Select(line => line.Trim()).Where(line => line.StartsWith("E ")).Select(line => line[2..].Trim()).ToList();

    /// <summary>Runs dotnet to its end and returns what it printed; a non-zero exit fails the test with all of its output.</summary>
    private static string Dotnet(string workingDirectory, string[] args)
    {
        var start = new ProcessStartInfo("dotnet", args) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        // The test runs inside dotnet test's MSBuild environment; a child build starts from its own.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(name);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SYSTEM_GLOBALIZATION_INVARIANT"] = "1";
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"dotnet {string.Join(' ', args)} did not finish within 5 minutes\n{output}");
        }
        TestContext.Out.WriteLine($"dotnet {string.Join(' ', args)} (in {workingDirectory}): exit {process.ExitCode}\n{output}{error.Result}");
        Assert.That(process.ExitCode, Is.EqualTo(0), $"dotnet {string.Join(' ', args)}\n{output}\n{error.Result}");
        return output;
    }
}
