using IlgpuSiamese.Cli;
using IlgpuSiamese.Kernels;
using IlgpuSiamese.Network;
using IlgpuSiamese.Tests.Support;
using IlgpuSiamese.Training;
using IlgpuSiamese.Training.Models;

namespace IlgpuSiamese.Tests.Network;

/// <summary>The largest array a pass indexes, computed from the spec, and the int32 guard in training and loading.</summary>
public class IndexLimitsTests
{
    [Test]
    public void TwinsRunAsTwoImagesPerPairAndTripletsAsThree()
    {
        Assert.That(IndexLimits.ImagesPerPass(LossKind.Contrastive, 256), Is.EqualTo(512));
        Assert.That(IndexLimits.ImagesPerPass(LossKind.Bce, 256), Is.EqualTo(512));
        Assert.That(IndexLimits.ImagesPerPass(LossKind.Triplet, 256), Is.EqualTo(768));
    }

    [Test]
    public void TheFlatTowersLargestArrayIsItsSecondConvsIm2col()
    {
        // conv 3x3 over 32 channels of 14x14: (32·3·3) x (512·14·14)
        var largest = IndexLimits.Largest(TowerSpec.Flat(), 512);
        Assert.That(largest.Length, Is.EqualTo(32L * 9 * 512 * 14 * 14));
        Assert.That(largest.What, Does.Contain("im2col").And.Contain("layer 3"));
        Assert.That(largest.FitsInt32, Is.True);
    }

    [Test]
    public void TheParametersCountWhenTheyAreLargest()
    {
        var tower = new TowerSpec("test", new TensorShape(1, 28, 28), [new DenseSpec(4096, Relu: false)]);
        Assert.That(IndexLimits.Largest(tower, 2).Length, Is.EqualTo(784L * 4096 + 4096), "the parameters: weights and biases");
        Assert.That(IndexLimits.Largest(tower, 2).What, Does.Contain("parameters"));
    }

    [TestCase(1, 28, 28, 10, 784 * 10, "the input batch")]
    [TestCase(1, 4, 4, 1, 64 * 16, "the activations of layer 1")]
    public void EachTermIsCountedWhenItIsTheLargest(int channels, int height, int width, int images, long length, string what)
    {
        // a dense of one unit (activations: one value an image) or a 1x1 conv of 64 filters (im2col as small as its input)
        LayerSpec layer = height == 28 ? new DenseSpec(1, Relu: false) : new ConvSpec(64, 1);
        var largest = IndexLimits.Largest(new TowerSpec("test", new TensorShape(channels, height, width), [layer]), images);
        Assert.That(largest.Length, Is.EqualTo(length));
        Assert.That(largest.What, Does.StartWith(what));
    }

    [Test]
    public void AConvsParametersAreItsPatchPlusBiasPerFilter()
    {
        // conv 3x3 over 2 channels of 1x1, 1000 filters: (2·3·3 + 1) · 1000 parameters outweigh 1000 activations and an 18-long im2col
        var tower = new TowerSpec("test", new TensorShape(2, 1, 1), [new ConvSpec(1000, 3)]);
        Assert.That(IndexLimits.Largest(tower, 1), Is.EqualTo(new LargestArray(19 * 1000, "the tower's parameters (one block: values, gradients, Adam's moments)")));
    }

    [Test]
    public void Int32FitsUpToItsLargestValue()
    {
        Assert.That(new LargestArray(int.MaxValue, "").FitsInt32, Is.True);
        Assert.That(new LargestArray(int.MaxValue + 1L, "").FitsInt32, Is.False);
    }

    [Test]
    public void APoolTakesTwoByTwoButNotLess()
    {
        Assert.That(IndexLimits.OutputShape(new MaxPoolSpec(), new TensorShape(3, 2, 2)), Is.EqualTo(new TensorShape(3, 1, 1)));
        Assert.That(IndexLimits.OutputShape(new MaxPoolSpec(), new TensorShape(3, 1, 2)), Is.Null);
        Assert.That(IndexLimits.OutputShape(new MaxPoolSpec(), new TensorShape(3, 2, 1)), Is.Null);
    }

    [Test]
    public void TrainingRefusesAConfigurationWhoseArraysOverflowInt32()
    {
        Assert.That(() => new TrainingConfig { Filters = 1024, BatchSize = 4096 }.Validate(),
            Throws.TypeOf<UsageException>().With.Message.Contains("more than a kernel can index").And.Message.Contains("--filters").And.Message.Contains("--batch-size"));
        Assert.That(() => new TrainingConfig { Filters = 1024, BatchSize = 64 }.Validate(), Throws.Nothing);
    }

    [Test]
    public void TheTripletLossesThirdBranchCanTipItOver()
    {
        // conv 2's im2col: (256·9) x (images·14·14): 4,096 images fit in int32, 6,144 do not.
        Assert.That(() => new TrainingConfig { Filters = 256, BatchSize = 2048 }.Validate(), Throws.Nothing);
        Assert.That(() => new TrainingConfig { Filters = 256, BatchSize = 2048, Loss = LossKind.Triplet }.Validate(), Throws.TypeOf<UsageException>());
    }

    [Test]
    public void TheCliRefusesItAsAUsageError()
    {
        using var folder = new TempFolder();
        var result = CliRunner.Run("train", "--filters", "1024", "--batch-size", "4096", "--out", folder["run"]);
        Assert.That(result.Code, Is.EqualTo(ExitCodes.Usage));
        Assert.That(result.Error, Does.Contain("lower --filters, --embedding or --batch-size"));
    }

    [Test]
    public void LoadingAModelTooLargeToIndexIsRefusedBeforeAllocating()
    {
        using var folder = new TempFolder();
        var huge = new TrainingConfig { Preset = TowerSpec.KerasPreset }.Network();
        var path = TestModels.Write(folder["huge.siamese"], huge with { Tower = huge.Tower with { Input = new TensorShape(1, 4096, 4096) } }, new float[10]);
        Assert.That(() => new LoadedModel(path, Backends.Open("cpu:0")),
            Throws.TypeOf<UserInputException>().With.Message.StartsWith(path).And.Message.Contains("more than a kernel can index"));
    }
}
