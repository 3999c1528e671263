using IlgpuSiamese.Kernels.Ops;
using IlgpuSiamese.Oracle.Checks;
using IlgpuSiamese.Tests.Support;

namespace IlgpuSiamese.Tests.Kernels;

[TestFixtureSource(typeof(Backends), nameof(Backends.All))]
public class AugmentKernelTests(string deviceId) : BackendFixture(deviceId)
{
    private const int Side = 28, Count = 50;

    [Test]
    public void KernelsMatchReference()
    {
        // The shared check (siamese selftest runs it too): each kernel, then the pipeline.
        var numbers = new Numbers();
        var s = new AugmentShape(batch: 7, height: 9, width: 8, seed: (uint)numbers.Random.Next(), epoch: numbers.Random.Next(1000), AugmentRanges.Default);
        foreach (var comparison in KernelChecks.Augment(Device, numbers.Random, count: 11, s))
            Close.That(comparison);
    }

    [Test]
    public void NeutralRangesGiveThePlainGatherBitForBit()
    {
        var numbers = new Numbers();
        var (images, indices) = RandomImages(numbers, batch: 20);
        var s = Shape(batch: 20, numbers, epoch: 3, AugmentRanges.None);
        using var buffers = new DeviceBuffers(Device);
        var (imageView, indexView) = (buffers.UploadBytes(images), buffers.UploadInt(indices));
        var gathered = buffers.Poisoned(s.OutputLength);
        new GatherImages(Device).Forward(gathered, imageView, indexView, new GatherImagesShape(s.Batch, s.Pixels));
        Assert.That(Augmented(buffers, imageView, indexView, s), Is.EqualTo(buffers.Read(gathered)).AsCollection);
    }

    [Test]
    public void RepeatsBitForBitAndDrawsPerImageAndEpoch()
    {
        var numbers = new Numbers();
        var (images, indices) = RandomImages(numbers, batch: 16);
        indices[9] = indices[2];
        var seed = (uint)numbers.Random.Next();
        var s = new AugmentShape(batch: 16, Side, Side, seed, epoch: 5, AugmentRanges.Default);
        using var buffers = new DeviceBuffers(Device);
        var (imageView, indexView) = (buffers.UploadBytes(images), buffers.UploadInt(indices));
        var first = Augmented(buffers, imageView, indexView, s);
        Assert.That(Augmented(buffers, imageView, indexView, s), Is.EqualTo(first).AsCollection, "a second launch");
        Assert.That(Row(first, 9), Is.EqualTo(Row(first, 2)).AsCollection, "the same image twice in one epoch");
        var nextEpoch = Augmented(buffers, imageView, indexView, new AugmentShape(s.Batch, Side, Side, seed, s.Epoch + 1, s.Ranges));
        Assert.That(Row(nextEpoch, 2), Is.Not.EqualTo(Row(first, 2)).AsCollection, "the next epoch");
    }

    [Test]
    public void DrawnParametersStayInTheirRangesAndStrokesFollowTheirProbabilities()
    {
        const int batch = 6000;
        var numbers = new Numbers();
        var r = AugmentRanges.Default;
        var s = new AugmentShape(batch, Side, Side, (uint)numbers.Random.Next(), numbers.Random.Next(100), r);
        using var buffers = new DeviceBuffers(Device);
        var parameters = buffers.Poisoned(s.ParametersLength);
        new Augment(Device).Parameters(parameters, buffers.UploadInt(Enumerable.Range(0, batch).ToArray()), s);
        var p = buffers.Read(parameters);
        float[] RowOf(int row) => p[(row * batch)..((row + 1) * batch)];
        var (cos, sin) = (RowOf(AugmentParameter.InverseCos), RowOf(AugmentParameter.InverseSin));
        var angles = cos.Zip(sin, (c, n) => Math.Atan2(n, c)).ToArray();
        var scales = cos.Zip(sin, (c, n) => 1 / Math.Sqrt((double)c * c + (double)n * n)).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(angles.Max(), Is.LessThanOrEqualTo(r.MaxRotation + 1e-5).And.GreaterThan(0.9 * r.MaxRotation));
            Assert.That(angles.Min(), Is.GreaterThanOrEqualTo(-r.MaxRotation - 1e-5).And.LessThan(-0.9 * r.MaxRotation));
            Assert.That(scales.Min(), Is.GreaterThanOrEqualTo(r.MinScale - 1e-5).And.LessThan(r.MinScale + 0.01));
            Assert.That(scales.Max(), Is.LessThanOrEqualTo(r.MaxScale + 1e-5).And.GreaterThan(r.MaxScale - 0.01));
            foreach (var shift in new[] { AugmentParameter.ShiftX, AugmentParameter.ShiftY })
                Assert.That(RowOf(shift).Select(Math.Abs).Max(), Is.LessThanOrEqualTo(r.MaxShift).And.GreaterThan(0.99 * r.MaxShift));
            Assert.That(RowOf(AugmentParameter.BlurWeight), Has.All.InRange(0f, MathF.Exp(-0.5f / (r.MaxBlurSigma * r.MaxBlurSigma))));
            Assert.That(RowOf(AugmentParameter.NoiseSd), Has.All.InRange(0f, r.MaxNoise));
            var strokes = RowOf(AugmentParameter.Morph);
            Assert.That(strokes, Has.All.AnyOf(-1f, 0f, 1f));
            foreach (var (value, probability) in new[] { (1f, r.DilateProbability), (-1f, r.ErodeProbability) })
            {
                var sigma = Math.Sqrt(probability * (1 - probability) / batch);
                Assert.That((double)strokes.Count(v => v == value) / batch, Is.EqualTo(probability).Within(5 * sigma), $"stroke {value}");
            }
        });
    }

    [Test]
    public void NoiseHasTheDrawnStandardDeviation()
    {
        const int batch = 10;
        const float sd = 0.1f;
        var numbers = new Numbers();
        var s = Shape(batch, numbers, epoch: numbers.Random.Next(100), AugmentRanges.Default);
        var parameters = new float[s.ParametersLength];
        Array.Fill(parameters, sd, AugmentParameter.NoiseSd * batch, batch);
        using var buffers = new DeviceBuffers(Device);
        var output = buffers.Poisoned(s.OutputLength);
        new Augment(Device).BlurNoise(output, buffers.Upload(Enumerable.Repeat(0.5f, s.OutputLength).ToArray()),
            buffers.UploadInt(Enumerable.Range(0, batch).ToArray()), buffers.Upload(parameters), s);
        var noise = buffers.Read(output).Select(v => v - 0.5).ToArray();
        var mean = noise.Average();
        var measured = Math.Sqrt(noise.Sum(v => (v - mean) * (v - mean)) / (noise.Length - 1));
        Assert.That(mean, Is.EqualTo(0).Within(5 * sd / Math.Sqrt(noise.Length)));
        Assert.That(measured, Is.EqualTo(sd).Within(0.05 * sd));
    }

    private float[] Augmented(DeviceBuffers buffers, ILGPU.ArrayView<byte> images, ILGPU.ArrayView<int> indices, AugmentShape s)
    {
        var batch = buffers.Poisoned(s.OutputLength);
        new Augment(Device).Forward(batch, buffers.Poisoned(s.OutputLength), buffers.Poisoned(s.ParametersLength), images, indices, s);
        return buffers.Read(batch);
    }

    private static (byte[] Images, int[] Indices) RandomImages(Numbers numbers, int batch)
    {
        var images = new byte[Count * Side * Side];
        numbers.Random.NextBytes(images);
        return (images, Enumerable.Range(0, batch).Select(_ => numbers.Random.Next(Count)).ToArray());
    }

    private static AugmentShape Shape(int batch, Numbers numbers, int epoch, AugmentRanges ranges) =>
        new(batch, Side, Side, (uint)numbers.Random.Next(), epoch, ranges);

    private static float[] Row(float[] batch, int n) => batch[(n * Side * Side)..((n + 1) * Side * Side)];
}
