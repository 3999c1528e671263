using System.Reflection;
using ILGPU;
using IlgpuSiamese.Kernels;

namespace IlgpuSiamese.Tests.Kernels;

/// <summary>
/// Every kernel in Kernels.Ops, mapped to the fixture that checks it against its float64 reference on
/// every backend (and whose reference is checked against finite differences where it has a backward).
/// A new kernel fails this test until it is listed here with its checks.
/// </summary>
public class KernelCoverageTests
{
    private static readonly Dictionary<string, string> CheckedBy = new()
    {
        ["Adam.AdamUpdate"] = nameof(AdamKernelTests),
        ["ContrastiveLoss.ContrastiveLossForward"] = nameof(ContrastiveLossKernelTests),
        ["ContrastiveLoss.ContrastiveLossBackwardInput"] = nameof(ContrastiveLossKernelTests),
        ["Conv2d.Conv2dForward"] = nameof(Conv2dKernelTests),
        ["Conv2d.Conv2dBackwardInput"] = nameof(Conv2dKernelTests),
        ["Conv2d.Conv2dBackwardWeight"] = nameof(Conv2dKernelTests),
        ["Conv2d.Conv2dBackwardBias"] = nameof(Conv2dKernelTests),
        ["Conv2d.Conv2dIm2Col"] = nameof(Conv2dKernelTests),
        ["Conv2d.Conv2dIm2ColTransposed"] = nameof(Conv2dKernelTests),
        ["Conv2d.Conv2dCol2Im"] = nameof(Conv2dKernelTests),
        ["Conv2d.Conv2dPreActivationGradient"] = nameof(Conv2dKernelTests),
        ["Dense.DenseForward"] = nameof(DenseKernelTests),
        ["Dense.DenseBackwardInput"] = nameof(DenseKernelTests),
        ["Dense.DenseBackwardWeight"] = nameof(DenseKernelTests),
        ["Dense.DenseBackwardBias"] = nameof(DenseKernelTests),
        ["Dense.DensePreActivationGradient"] = nameof(DenseKernelTests),
        ["Dropout.DropoutForward"] = nameof(DropoutKernelTests),
        ["Dropout.DropoutBackwardInput"] = nameof(DropoutKernelTests),
        ["EuclideanDistance.EuclideanDistanceForward"] = nameof(EuclideanDistanceKernelTests),
        ["EuclideanDistance.EuclideanDistanceBackward"] = nameof(EuclideanDistanceKernelTests),
        ["Fill.FillConstant"] = nameof(FillKernelTests),
        ["GatherImages.GatherImagesForward"] = nameof(GatherImagesKernelTests),
        ["Gemm.GemmTiled"] = nameof(GemmKernelTests),
        ["Gemm.GemmPackA"] = nameof(GemmKernelTests),
        ["Transpose.TransposeMatrix"] = nameof(DenseKernelTests),
        ["GlobalAvgPool.GlobalAvgPoolForward"] = nameof(GlobalAvgPoolKernelTests),
        ["GlobalAvgPool.GlobalAvgPoolBackwardInput"] = nameof(GlobalAvgPoolKernelTests),
        ["MaxPool2d.MaxPool2dForward"] = nameof(MaxPool2dKernelTests),
        ["MaxPool2d.MaxPool2dBackwardInput"] = nameof(MaxPool2dKernelTests),
        ["SigmoidBce.SigmoidBceForward"] = nameof(SigmoidBceKernelTests),
        ["SigmoidBce.SigmoidBceBackwardInput"] = nameof(SigmoidBceKernelTests),
        ["SigmoidBce.SigmoidBceBackwardWeight"] = nameof(SigmoidBceKernelTests),
        ["SigmoidBce.SigmoidBceBackwardBias"] = nameof(SigmoidBceKernelTests),
        ["TripletLoss.TripletLossForward"] = nameof(TripletLossKernelTests),
        ["TripletLoss.TripletLossBackwardInput"] = nameof(TripletLossKernelTests),
    };

    [Test]
    public void EveryKernelIsMappedToTheFixtureThatChecksIt()
    {
        var kernels = OfflineCompilationTests.AllKernels().Select(c => (MethodInfo)c.Arguments[0]!)
            .Select(m => $"{m.DeclaringType!.Name}.{m.Name}");
        Assert.That(kernels, Is.EquivalentTo(CheckedBy.Keys));
        var fixtures = typeof(KernelCoverageTests).Assembly.GetTypes().Select(t => t.Name).ToHashSet();
        Assert.That(CheckedBy.Values.Where(f => !fixtures.Contains(f)), Is.Empty);
    }
}
