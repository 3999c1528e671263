using IlgpuSiamese.Tests.Support;
using IlgpuSiamese.Training;
using IlgpuSiamese.Measuring;

namespace IlgpuSiamese.Tests.Benchmarking;

/// <summary>The byte tally that memory reports rest on, on the CPU accelerator (it counts the same on every device).</summary>
public sealed class DeviceMemoryTests
{
    [Test]
    public void TheTallyCountsEveryBufferInBytes()
    {
        var device = Backends.Open("cpu:0");
        var before = device.BytesAllocated;
        var inUse = device.BytesInUse;
        using (device.Allocate(10))
        using (device.AllocateInt(3))
        {
            var bytes = device.Allocate<byte>(5);
            Assert.That(device.BytesAllocated - before, Is.EqualTo(10 * 4 + 3 * 4 + 5));
            Assert.That(device.BytesInUse - inUse, Is.EqualTo(57));
            bytes.Dispose();
            Assert.That(device.BytesInUse - inUse, Is.EqualTo(52), "a disposed buffer no longer counts as in use");
        }
        Assert.That(device.BytesAllocated - before, Is.EqualTo(57), "a running total: freeing does not lower it");
        Assert.That(device.BytesInUse, Is.EqualTo(inUse));
    }

    [Test]
    public void NetworkMemoryIsParametersPlusAnExactAmountPerPair()
    {
        var device = Backends.Open("cpu:0");
        var profile = DeviceMemory.AgainstBatch(device, "keras", [2, 4, 8]);
        Assert.That(profile.Parameters, Is.EqualTo(19_890));
        var bytes = profile.Points.Select(p => p.Bytes).ToArray();
        Assert.That(bytes[2] - bytes[1], Is.EqualTo(2 * (bytes[1] - bytes[0])), "linear in the batch");
        // At least the parameters with their gradients and two Adam moments, and both branches' input images.
        Assert.That(profile.FixedBytes, Is.GreaterThanOrEqualTo(19_890 * 4 * 4));
        Assert.That(profile.BytesPerPair, Is.GreaterThanOrEqualTo(2 * 28 * 28 * 4));
    }

    [Test]
    public void UploadedImagesAreCountedAsTheirBytes()
    {
        var device = Backends.Open("cpu:0");
        var data = BenchmarkData.CreateSynthetic(seed: 1, imagesPerClass: 4);
        var before = device.BytesInUse;
        using var images = new DeviceImages(device, data.Train, maxImages: 24);
        Assert.That(device.BytesInUse - before, Is.EqualTo(data.Train.Pixels.Length + 24 * sizeof(int)));
    }

    [Test]
    public void SyntheticDataHasTenBalancedClassesAndTheTrainersPairs()
    {
        var data = BenchmarkData.CreateSynthetic(seed: 5, imagesPerClass: 12);
        Assert.That(data.Synthetic, Is.True);
        Assert.That(data.Train.Count, Is.EqualTo(120));
        Assert.That(data.Train.Labels.GroupBy(l => l).Select(g => g.Count()), Has.All.EqualTo(12));
        Assert.That(data.TrainPairs.Count, Is.EqualTo(240));
        Assert.That(data.TrainPairs.Label.Sum(), Is.EqualTo(120));
        Assert.That(BenchmarkData.CreateSynthetic(seed: 5, imagesPerClass: 12).Train.Pixels, Is.EqualTo(data.Train.Pixels), "repeatable");
    }
}
