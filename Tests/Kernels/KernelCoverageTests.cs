using System.Reflection;
using ILGPU;
using IlgpuSiamese.Kernels;

namespace IlgpuSiamese.Tests.Kernels;

/// <summary>
/// Every kernel in Kernels.Ops, mapped to the fixture that checks it (through its op's Forward and
/// Backward) against the float64 reference on every backend (and whose reference is checked against finite differences where it has a backward).
/// A new kernel fails this test until it is listed here with its checks.
/// </summary>
public class KernelCoverageTests
{
    private static readonly Dictionary<string, string> CheckedBy = new()
    {
        ["AdamKernels.AdamUpdate"] = nameof(AdamKernelTests),
        ["AugmentKernels.AugmentParameters"] = nameof(AugmentKernelTests),
        ["AugmentKernels.AugmentWarp"] = nameof(AugmentKernelTests),
        ["AugmentKernels.AugmentMorph"] = nameof(AugmentKernelTests),
        ["AugmentKernels.AugmentBlurNoise"] = nameof(AugmentKernelTests),
        ["ContrastiveLossKernels.ContrastiveLossForward"] = nameof(ContrastiveLossKernelTests),
        ["ContrastiveLossKernels.ContrastiveLossBackwardInput"] = nameof(ContrastiveLossKernelTests),
        ["Conv2dKernels.Conv2dIm2Col"] = nameof(Conv2dKernelTests),
        ["Conv2dKernels.Conv2dShiftedRuns"] = nameof(Conv2dKernelTests),
        ["Conv2dKernels.Conv2dShiftedRunsByRow"] = nameof(Conv2dKernelTests),
        ["Conv2dKernels.Conv2dShiftedRunsEdges"] = nameof(Conv2dKernelTests),
        ["Conv2dKernels.Conv2dChannelMajor"] = nameof(Conv2dKernelTests),
        ["Conv2dKernels.Conv2dPreActivationGradientTransposed"] = nameof(Conv2dKernelTests),
        ["Conv2dKernels.Conv2dPreActivationGradient"] = nameof(Conv2dKernelTests),
        ["Conv2dKernels.Conv2dCol2Im"] = nameof(Conv2dKernelTests),
        ["Conv2dKernels.Conv2dPooledPreActivationGradientTransposed"] = nameof(Conv2dKernelTests),
        ["Conv2dKernels.Conv2dPooledPreActivationGradient"] = nameof(Conv2dKernelTests),
        ["Conv2dKernels.Conv2dPooledWeightGradientPartials"] = nameof(Conv2dKernelTests),
        ["Conv2dKernels.Conv2dPooledWeightGradientAccumulate"] = nameof(Conv2dKernelTests),
        ["DenseKernels.DensePreActivationGradient"] = nameof(DenseKernelTests),
        ["BiasGradientKernels.BiasGradientPartials"] = nameof(DenseKernelTests),
        ["BiasGradientKernels.BiasGradientAccumulate"] = nameof(DenseKernelTests),
        ["DropoutKernels.DropoutForward"] = nameof(DropoutKernelTests),
        ["DropoutKernels.DropoutBackwardInput"] = nameof(DropoutKernelTests),
        ["DropoutKernels.DropoutIdentity"] = nameof(DropoutKernelTests),
        ["EuclideanDistanceKernels.EuclideanDistanceForward"] = nameof(EuclideanDistanceKernelTests),
        ["EuclideanDistanceKernels.EuclideanDistanceBackward"] = nameof(EuclideanDistanceKernelTests),
        ["FillKernels.FillConstant"] = nameof(FillKernelTests),
        ["GatherImagesKernels.GatherImagesForward"] = nameof(GatherImagesKernelTests),
        ["GemmKernels.GemmTiled"] = nameof(GemmKernelTests),
        ["GemmKernels.GemmRows"] = nameof(GemmKernelTests),
        ["GemmKernels.GemmElements"] = nameof(GemmKernelTests),
        ["GemmKernels.GemmAddSlices"] = nameof(GemmKernelTests),
        ["GemmKernels.GemmSharedTiles"] = nameof(GemmSharedTilesTests),
        ["GemmKernels.TransposeMatrix"] = nameof(GemmKernelTests),
        ["GlobalAvgPoolKernels.GlobalAvgPoolForward"] = nameof(GlobalAvgPoolKernelTests),
        ["GlobalAvgPoolKernels.GlobalAvgPoolBackwardInput"] = nameof(GlobalAvgPoolKernelTests),
        ["MaxPool2dKernels.MaxPool2dForward"] = nameof(MaxPool2dKernelTests),
        ["MaxPool2dKernels.MaxPool2dBackwardInput"] = nameof(MaxPool2dKernelTests),
        ["EuclideanDistanceKernels.PairwiseSquaredDistances"] = nameof(MinedLossKernelTests),
        ["MinedLossKernels.MinedSelect"] = nameof(MinedLossKernelTests),
        ["MinedLossKernels.MinedNormalize"] = nameof(MinedLossKernelTests),
        ["MinedLossKernels.MinedBackward"] = nameof(MinedLossKernelTests),
        ["SigmoidBceKernels.SigmoidBceForward"] = nameof(SigmoidBceKernelTests),
        ["SigmoidBceKernels.SigmoidBceBackwardInput"] = nameof(SigmoidBceKernelTests),
        ["SigmoidBceKernels.SigmoidBceBackwardParameters"] = nameof(SigmoidBceKernelTests),
        ["TsneKernels.TsneConditionals"] = nameof(TsneKernelTests),
        ["TsneKernels.TsneConditionalsBlocks"] = nameof(TsneKernelTests),
        ["TsneKernels.TsneJoint"] = nameof(TsneKernelTests),
        ["TsneKernels.TsneDivergenceTerms"] = nameof(TsneKernelTests),
        ["TsneKernels.TsneGradientTerms"] = nameof(TsneKernelTests),
        ["TsneKernels.TsneGradientTermsBlocks"] = nameof(TsneKernelTests),
        ["TsneKernels.TsneNormalizer"] = nameof(TsneKernelTests),
        ["TsneKernels.TsneUpdate"] = nameof(TsneKernelTests),
        ["TripletLossKernels.TripletLossForward"] = nameof(TripletLossKernelTests),
        ["TripletLossKernels.TripletLossBackwardInput"] = nameof(TripletLossKernelTests),
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
