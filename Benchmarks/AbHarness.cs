using System.Diagnostics;
using ILGPU;
using ILGPU.Runtime;
using IlgpuSiamese.Kernels.Devices;
using IlgpuSiamese.Kernels.Ops;
using IlgpuSiamese.Network;

namespace IlgpuSiamese.Benchmarks;

/// <summary>
/// The same-process A/B harness of docs/performance.md: two variants of a kernel option timed in turns.
/// <c>dotnet run -c Release --project Benchmarks -- ab &lt;device&gt; &lt;flat|keras|ops&gt; [repetitions] [order|pack]</c>.
/// </summary>
public static class AbHarness
{
    public static int Run(string[] args)
    {
        // Variants run interleaved in one process (the machine is shared, so only same-process ratios mean
        // anything); each figure is the median of the repetitions.
        var deviceId = args.Length > 0 ? args[0] : "opencl:0";
        var what = args.Length > 1 ? args[1] : "flat";
        var repetitions = args.Length > 2 ? int.Parse(args[2]) : 5;
        using var device = ComputeDevice.Open(deviceId);
        var gemm = GemmLaunchers.On(device);
        // Which two variants: "order" (GEMM tile order, before/after #7) or "pack" (A packed into panels, #8).
        (string Name, Action Set)[] variants = (args.Length > 3 ? args[3] : "order") == "pack"
            ?
            [
                ("unpacked", () => gemm.PackA = false),
                ("packedA", () => gemm.PackA = true),
            ]
            :
            [
                ("ColumnsFastest", () => gemm.TileOrder = GemmTileOrder.ColumnsFastest),
                ("RowsFastest", () => gemm.TileOrder = GemmTileOrder.RowsFastest),
            ];
        Console.WriteLine($"{device} {what}, median of {repetitions}");

        if (what == "ops")
        {
            Ops();
            return 0;
        }

        var spec = TowerSpec.FromPreset(what, 48, null, null);
        var loss = what == TowerSpec.KerasPreset ? LossKind.Bce : LossKind.Contrastive;
        using var network = new SiameseNetwork(device, new NetworkConfig(spec, loss, 1f), 256, seed: 42);
        var random = new Random(1);
        foreach (var branch in network.Branches)
            branch.Input.CopyFromCPU(Enumerable.Range(0, (int)branch.Input.Length).Select(_ => random.NextSingle()).ToArray());
        network.Labels(256).CopyFromCPU(Enumerable.Range(0, 256).Select(i => (float)(i % 2)).ToArray());
        var host = new float[64];
        var step = 0;
        void Train()
        {
            step++;
            network.ZeroGradients();
            network.ForwardPairs(64, step, training: true);
            network.BackwardPairs(64, step);
            network.AdamStep(step, 1e-3);
            network.Losses(64).CopyToCPU(host);
        }
        var hostDistances = new float[256];
        void Infer()
        {
            network.ForwardPairs(256, step, training: false, computeLoss: false);
            network.Distances(256).CopyToCPU(hostDistances);
        }
        Compare("train step b64 (ms)", Train, 64);
        Compare("inference b256 (ms)", Infer, 256);
        return 0;

        void Compare(string name, Action run, int pairs)
        {
            foreach (var v in variants)
            {
                v.Set();
                run();
            }
            var times = variants.Select(_ => new List<double>()).ToArray();
            for (var r = 0; r < repetitions; r++)
                for (var i = 0; i < variants.Length; i++)
                {
                    variants[i].Set();
                    device.Synchronize();
                    var clock = Stopwatch.StartNew();
                    run();
                    device.Synchronize();
                    times[i].Add(clock.Elapsed.TotalMilliseconds);
                }
            var medians = times.Select(t => t.Order().ElementAt(t.Count / 2)).ToArray();
            Console.WriteLine($"{name,-32} " + string.Join("  ", variants.Select((v, i) =>
                $"{v.Name} {medians[i],9:F1}" + (pairs > 0 ? $" ({pairs * 1000 / medians[i],6:F0} pairs/s)" : ""))) + $"  ratio {medians[0] / medians[^1]:F2}x");
        }

        void Ops()
        {
            // One branch of the flat tower's conv2 (32->64, 3x3, 14x14) and the keras conv2 (64->64, 2x2), batch 64,
            // and the flat tower's dense 3136->128.
            var random = new Random(3);
            MemoryBuffer1D<float, Stride1D.Dense> Buffer(long n)
            {
                var b = device.Allocate(n);
                b.View.CopyFromCPU(Enumerable.Range(0, (int)n).Select(_ => random.NextSingle() - 0.5f).ToArray());
                return b;
            }
            var conv = Conv2dLaunchers.On(device);
            foreach (var s in new[] { new Conv2dShape(64, 32, 14, 14, 64, 3, true), new Conv2dShape(64, 64, 14, 14, 64, 2, true), new Conv2dShape(64, 1, 28, 28, 64, 2, true) })
            {
                using var x = Buffer(s.InputLength);
                using var w = Buffer(s.WeightLength);
                using var b = Buffer(s.OutChannels);
                using var y = Buffer(s.OutputLength);
                using var dy = Buffer(s.OutputLength);
                using var dx = Buffer(s.InputLength);
                using var dw = Buffer(s.WeightLength);
                var label = $"conv {s.InChannels}->{s.OutChannels} k{s.Kernel} {s.Height}x{s.Width}";
                var taps = s.InChannels * s.Kernel * s.Kernel;
                var positions = s.Batch * s.Height * s.Width;
                using (var col = Buffer((long)taps * positions))
                    Compare($"{label} fwd GEMM only", () => gemm.Run(y.View, w.View, col.View, b.View, new GemmShape(s.OutChannels, positions, taps, taps, 1, positions,
                        GemmEpilogue.BiasActivationNchw, 0, 0, true, area: s.Height * s.Width)), 0);
                Compare($"{label} fwd", () => conv.Forward(y.View, x.View, w.View, b.View, s), 0);
                Compare($"{label} dW", () => conv.BackwardWeight(dw.View, dy.View, y.View, x.View, s), 0);
                if (s.InChannels > 1)
                    Compare($"{label} dX", () => conv.BackwardInput(dx.View, dy.View, y.View, w.View, s), 0);
            }
            var dense = DenseLaunchers.On(device);
            var d = new DenseShape(64, 3136, 128, true);
            using var dxIn = Buffer(d.InputLength);
            using var dW = Buffer(d.WeightLength);
            using var dB = Buffer(d.Outputs);
            using var dOut = Buffer(d.OutputLength);
            using var dDy = Buffer(d.OutputLength);
            using var dDx = Buffer(d.InputLength);
            using var dDw = Buffer(d.WeightLength);
            Compare("dense 3136->128 fwd", () => dense.Forward(dOut.View, dxIn.View, dW.View, dB.View, d), 0);
            Compare("dense 3136->128 dW", () => dense.BackwardWeight(dDw.View, dDy.View, dOut.View, dxIn.View, d), 0);
            Compare("dense 3136->128 dX", () => dense.BackwardInput(dDx.View, dDy.View, dOut.View, dW.View, d), 0);
        }
    }
}
