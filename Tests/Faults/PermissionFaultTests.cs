using IlgpuSiamese.Tests.Support;

namespace IlgpuSiamese.Tests.Faults;

/// <summary>
/// Files and folders another user may not read or write, met by siamese running as nobody (root reads and writes
/// everything, so the test process itself cannot meet them): "permission denied", naming the path.
/// </summary>
public class PermissionFaultTests : FaultScenario
{
    private const string Denied = "permission denied";

    [SetUp]
    public void OpenTheInputsToNobody()
    {
        Machine.RequireRoot("run siamese as another user");
        foreach (var entry in Directory.EnumerateFileSystemEntries(Temp.Path, "*", SearchOption.AllDirectories).Prepend(Temp.Path))
            File.SetUnixFileMode(entry, Directory.Exists(entry) ? (UnixFileMode)0b111_111_111 : (UnixFileMode)0b110_110_110);
    }

    private CliRunner.Result AsNobody(params string[] args) =>
        SiameseProcess.Run(args, Machine.Nobody, new Dictionary<string, string> { ["HOME"] = Temp.Path, ["DOTNET_CLI_HOME"] = Temp.Path });

    [Test]
    public void AFolderNobodyMayWriteIn()
    {
        var locked = Directory.CreateDirectory(Temp["locked"]).FullName;
        File.SetUnixFileMode(locked, (UnixFileMode)0b101_101_101);
        AssertRefused(AsNobody("compare", Digit, OtherDigit, "--model", Model, "--device", "cpu", "--out", Path.Combine(locked, "pair.png")), locked, Denied);
    }

    [Test]
    public void AnIdxFileNobodyMayRead()
    {
        var images = Path.Combine(Dataset, IdxFiles.TrainImages);
        File.SetUnixFileMode(images, UnixFileMode.None);
        AssertRefused(AsNobody(Train(Temp["run"])), images, Denied);
    }

    [Test]
    public void APairListNobodyMayRead()
    {
        var list = Temp["pairs.csv"];
        File.WriteAllText(list, $"{Digit},{OtherDigit}\n");
        File.SetUnixFileMode(list, UnixFileMode.None);
        AssertRefused(AsNobody("compare", "--pairs", list, "--model", Model, "--device", "cpu"), list, Denied);
    }

    [Test]
    public void AnImageSubfolderNobodyMayRead()
    {
        var images = Directory.CreateDirectory(Temp["images"]).FullName;
        var hidden = Directory.CreateDirectory(Path.Combine(images, "sub")).FullName;
        TestImages.Square(Path.Combine(images, "a.png"), 28, 28, 0, 255);
        TestImages.Square(Path.Combine(hidden, "b.png"), 28, 28, 0, 255);
        File.SetUnixFileMode(images, (UnixFileMode)0b111_111_111);
        File.SetUnixFileMode(hidden, UnixFileMode.None);
        AssertRefused(AsNobody("embed", "--dir", images, "--model", Model, "--device", "cpu", "--out", Temp["e.csv"]), images, Denied);
    }

    [Test]
    public void AModelNobodyMayRead()
    {
        File.SetUnixFileMode(Model, UnixFileMode.None);
        AssertRefused(AsNobody("compare", Digit, OtherDigit, "--model", Model, "--device", "cpu"), Model, Denied);
    }
}
