namespace IlgpuSiamese.Kernels;

/// <summary>
/// max(value, floor) that keeps NaN: OpenCL's fmax (what XMath.Max becomes there) returns the other
/// operand for a NaN, which would hide a diverged loss on OpenCL while the CPU reports it.
/// </summary>
// Stryker disable all : device code, compiled by ILGPU, which cannot compile mutant switching; Stryker places mutants of files outside its mutate globs too (docs/mutation-testing.md)
public static class Clamp
{
    public static float AtLeast(float value, float floor) => value < floor ? floor : value;
}
