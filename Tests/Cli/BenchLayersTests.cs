using System.Text.Json;
using IlgpuSiamese.Measuring;
using IlgpuSiamese.Tests.Support;

namespace IlgpuSiamese.Tests.Cli;

/// <summary><c>siamese bench --layers</c>: every op of a step appears, with the FLOPs its shapes give.</summary>
public class BenchLayersTests
{
    [Test]
    public void KerasTowerOnTheCpuAcceleratorHasEveryLayerBothWaysAndTheConvFlopsByHand()
    {
        // No MNIST in this data folder: synthetic images. Two pairs a step, four images: quick on ILGPU's CPU accelerator.
        using var folder = new TempFolder();
        var result = CliRunner.Run("bench", "--layers", "--device", "cpu:0", "--tower", "keras", "--repetitions", "1", "--warmup", "0",
            "--batch", "2", "--json", "--data-dir", folder["data"]);
        Assert.That(result.Code, Is.Zero, result.Error);
        using var json = JsonDocument.Parse(result.Out);
        var profile = json.RootElement.GetProperty("results").EnumerateArray().Single();
        Assert.That(profile.GetProperty("tower").GetString(), Is.EqualTo("keras"));
        Assert.That(profile.GetProperty("images").GetInt32(), Is.EqualTo(4));
        var ops = profile.GetProperty("ops").EnumerateArray().ToList();

        // conv, maxpool, dropout, conv, maxpool, dropout, gap, dense: each once forward, once backward.
        string[] kinds = ["conv", "maxpool", "dropout", "conv", "maxpool", "dropout", "gap", "dense"];
        for (var layer = 0; layer < kinds.Length; layer++)
        {
            var rows = ops.Where(o => o.GetProperty("layer").ValueKind == JsonValueKind.Number && o.GetProperty("layer").GetInt32() == layer).ToList();
            Assert.That(rows.Select(o => o.GetProperty("pass").GetString()), Is.EquivalentTo(new[] { "forward", "backward" }), $"layer {layer}");
            Assert.That(rows.Select(o => o.GetProperty("kind").GetString()), Is.All.EqualTo(kinds[layer]), $"layer {layer}");
        }
        Assert.That(ops.Select(o => o.GetProperty("kind").GetString()), Is.SupersetOf(new[] { "head", "gather", "zero", "adam" }));
        Assert.That(ops.Select(o => o.GetProperty("medianMs").GetDouble()), Is.Ordered.Descending, "sorted by time");
        Assert.That(ops.Select(o => o.GetProperty("medianMs").GetDouble()), Is.All.GreaterThan(0));

        double Flops(int layer, string pass) => ops.Single(o => o.GetProperty("layer").ValueKind == JsonValueKind.Number &&
            o.GetProperty("layer").GetInt32() == layer && o.GetProperty("pass").GetString() == pass).GetProperty("flops").GetDouble();

        // Layer 3: conv 2×2, 64 → 64 channels over 14×14, N = 4 images: 2·N·O·H·W·C·K·K forward;
        // backward dW the same and dX the same again.
        const double conv3 = 2.0 * 4 * 64 * 14 * 14 * 64 * 2 * 2;
        Assert.That(Flops(3, "forward"), Is.EqualTo(conv3));
        Assert.That(Flops(3, "backward"), Is.EqualTo(2 * conv3));
        // Layer 0: 1 → 64 over 28×28; the first layer has no dX. Its 4 taps are summed from the max-pool after it:
        // one position per 2×2 window adds into the 4 weights and the bias, 2 FLOPs each.
        const double conv0 = 2.0 * 4 * 64 * 28 * 28 * 1 * 2 * 2;
        Assert.That(Flops(0, "forward"), Is.EqualTo(conv0));
        Assert.That(Flops(0, "backward"), Is.EqualTo(2.0 * (4 * 64 * 28 * 28 / 4) * (1 * 2 * 2 + 1)));
        // Dense 64 → 48 over 4 rows: 2·N·In·Out forward, dW and dX backward.
        Assert.That(Flops(7, "forward"), Is.EqualTo(2.0 * 4 * 64 * 48));
        Assert.That(Flops(7, "backward"), Is.EqualTo(2 * 2.0 * 4 * 64 * 48));

        // The path each op's plan took on ILGPU's CPU accelerator.
        string Path(int layer, string pass) => ops.Single(o => o.GetProperty("layer").ValueKind == JsonValueKind.Number &&
            o.GetProperty("layer").GetInt32() == layer && o.GetProperty("pass").GetString() == pass).GetProperty("path").GetString()!;
        Assert.That(Path(0, "forward"), Is.EqualTo("im2col+GEMM (register tiles)"));
        Assert.That(Path(0, "backward"), Is.EqualTo("dW pooled sums"), "the first conv: 4 taps through the pool, no dX");
        Assert.That(Path(1, "backward"), Is.EqualTo("in the conv's backward"));
        Assert.That(Path(3, "backward"), Is.EqualTo("dW dzT+GEMM (register tiles); dX shifted runs"));
        Assert.That(Path(7, "forward"), Is.EqualTo("GEMM (rows)"), "4 rows of C: fewer than a tile's 8");
        Assert.That(Path(7, "backward"), Is.EqualTo("dW GEMM (register tiles); dX GEMM (rows)"));
        Assert.That(Path(2, "forward"), Is.EqualTo("-"));

        var step = profile.GetProperty("step").GetProperty("medianMs").GetDouble();
        Assert.That(step, Is.GreaterThan(0));
        // The floor's peak is the one measured on the device; the nominal one is only shown beside it.
        Assert.That(profile.GetProperty("peak").GetProperty("assumption").GetString(), Does.StartWith("measured"));
        Assert.That(profile.GetProperty("nominalPeak").GetProperty("assumption").GetString(), Does.StartWith("host CPU"));
        // The floor of every op with work: the longer of its FLOPs at the peak and its bytes at the measured bandwidth.
        var peak = profile.GetProperty("peak").GetProperty("gflopsPerSecond").GetDouble();
        var bandwidth = profile.GetProperty("bandwidth").GetProperty("gbPerSecond").GetDouble();
        Assert.That(bandwidth, Is.GreaterThan(0));
        foreach (var op in ops.Where(o => o.GetProperty("kind").GetString() != "labels" && o.GetProperty("bytes").GetDouble() > 0))
        {
            var floor = Math.Max(op.GetProperty("flops").GetDouble() / (peak * 1e6), op.GetProperty("bytes").GetDouble() / (bandwidth * 1e6));
            Assert.That(op.GetProperty("floorMs").GetDouble(), Is.EqualTo(floor).Within(1e-9).Percent, op.GetProperty("op").GetString());
            Assert.That(op.GetProperty("timesFloor").GetDouble(), Is.EqualTo(op.GetProperty("medianMs").GetDouble() / floor).Within(1e-9).Percent);
        }
    }

    [Test]
    public void InferenceProfileHasEveryLayerOnceForwardTheHeadAndTheReadBack()
    {
        using var folder = new TempFolder();
        var result = CliRunner.Run("bench", "--layers", "--inference", "--device", "cpu:0", "--tower", "keras", "--repetitions", "1",
            "--warmup", "0", "--batch", "2", "--json", "--data-dir", folder["data"]);
        Assert.That(result.Code, Is.Zero, result.Error);
        using var json = JsonDocument.Parse(result.Out);
        Assert.That(json.RootElement.GetProperty("settings").GetProperty("profiled").GetString(), Is.EqualTo("inference batch"));
        var profile = json.RootElement.GetProperty("results").EnumerateArray().Single();
        Assert.That(profile.GetProperty("images").GetInt32(), Is.EqualTo(4), "both images of 2 pairs");
        var ops = profile.GetProperty("ops").EnumerateArray().ToList();
        Assert.That(ops.Select(o => o.GetProperty("pass").GetString()), Is.All.EqualTo("infer"));
        string[] kinds = ["conv", "maxpool", "dropout", "conv", "maxpool", "dropout", "gap", "dense"];
        for (var layer = 0; layer < kinds.Length; layer++)
            Assert.That(ops.Count(o => o.GetProperty("layer").ValueKind == JsonValueKind.Number && o.GetProperty("layer").GetInt32() == layer &&
                                       o.GetProperty("kind").GetString() == kinds[layer]), Is.EqualTo(1), $"layer {layer}");
        Assert.That(ops.Select(o => o.GetProperty("kind").GetString()), Is.SupersetOf(new[] { "gather", "head", "read" }));
        Assert.That(ops.Select(o => o.GetProperty("kind").GetString()), Has.None.EqualTo("adam").And.None.EqualTo("zero"));
        const double conv3 = 2.0 * 4 * 64 * 14 * 14 * 64 * 2 * 2;
        Assert.That(ops.Single(o => o.GetProperty("op").GetString()!.StartsWith("3 conv")).GetProperty("flops").GetDouble(), Is.EqualTo(conv3));
    }

    [Test]
    public void ConvBytesCountTheIm2ColPassAndTheProduct()
    {
        // N = 4, C = 1, 28×28, O = 64, K = 2: the column matrix is 4 × 3136 floats, written and read once;
        // the product reads W (64×4) and col (4×3136) and writes y (64×3136).
        var forward = OpCosts.ConvForward(4, 1, 28, 28, 64, 2);
        Assert.That(forward.Bytes, Is.EqualTo((2.0 * 4 * 3136 + 64 * 4 + 4 * 3136 + 64 * 3136) * 4));
        Assert.That(DevicePeak.PeakGflops(units: 2, fmaPipes: 2, lanes: 16, mhz: 2500), Is.EqualTo(320));
    }

    [Test]
    public void TheFloorIsTheLongerOfComputeAtThePeakAndTrafficAtTheBandwidth()
    {
        var peak = new DevicePeak(100, "100 GFLOP/s");
        var bandwidth = new DeviceBandwidth(10, "10 GB/s");
        Assert.That(Roofline.FloorMs(new OpCost(2e9, 1e6), peak, bandwidth), Is.EqualTo(20).Within(1e-12), "2 GFLOP at 100 GFLOP/s");
        Assert.That(Roofline.FloorMs(new OpCost(1e6, 4e8), peak, bandwidth), Is.EqualTo(40).Within(1e-12), "400 MB at 10 GB/s");
        Assert.That(Roofline.FloorMs(new OpCost(0, 0), peak, bandwidth), Is.Null);
        Assert.That(Roofline.FloorMs(new OpCost(1e9, 1e6), new DevicePeak(null, "unknown"), bandwidth), Is.Null);
        Assert.That(Roofline.FloorMs(new OpCost(0, 1e6), new DevicePeak(null, "unknown"), bandwidth), Is.EqualTo(0.1).Within(1e-12), "no FLOPs: bytes alone");
        // 1,000 MHz double data rate over a 512-bit bus: 2 × 1e9 × 64 bytes.
        Assert.That(DeviceBandwidth.NominalGigabytesPerSecond(memoryClockKhz: 1_000_000, busWidthBits: 512), Is.EqualTo(128));
    }
}
