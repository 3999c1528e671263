using ILGPU;
using ILGPU.Backends.OpenCL;
using ILGPU.Backends.PTX;
using ILGPU.IR;
using ILGPU.IR.Intrinsics;

namespace IlgpuSiamese.Kernels;

/// <summary>
/// a·b + c with one rounding, for kernels. ILGPU 1.5.3 has no FMA for kernels, and its OpenCL backend
/// writes the product and the sum as two statements, which the OpenCL compiler must not contract.
/// <see cref="MultiplyAdd"/> is a custom intrinsic: ILGPU's OpenCL backend emits <c>fma(a, b, c)</c>
/// for each call and its PTX backend <c>fma.rn.f32</c>; on ILGPU's CPU accelerator the kernel runs as
/// .NET code and calls <see cref="MathF.FusedMultiplyAdd"/>. Every backend thus rounds once.
/// A context whose kernels call it needs <see cref="Register"/> in its builder.
/// </summary>
// Stryker disable all : device code, compiled by ILGPU, which cannot compile mutant switching; Stryker places mutants of files outside its mutate globs too (docs/mutation-testing.md)
public static class FusedMultiplyAdd
{
    /// <summary>a·b + c, rounded once.</summary>
    [IntrinsicImplementation]
    public static float MultiplyAdd(float a, float b, float c) => MathF.FusedMultiplyAdd(a, b, c);

    /// <summary>Tells the OpenCL and PTX backends of the context being built how to emit <see cref="MultiplyAdd"/>.</summary>
    public static Context.Builder EnableFusedMultiplyAdd(this Context.Builder builder)
    {
        Register(builder.GetIntrinsicManager());
        return builder;
    }

    private static void Register(IntrinsicImplementationManager manager)
    {
        var method = typeof(FusedMultiplyAdd).GetMethod(nameof(MultiplyAdd))!;
        manager.RegisterMethod(method,
            new CLIntrinsic(typeof(FusedMultiplyAdd), nameof(EmitOpenCl), IntrinsicImplementationMode.GenerateCode));
        manager.RegisterMethod(method,
            new PTXIntrinsic(typeof(FusedMultiplyAdd), nameof(EmitPtx), IntrinsicImplementationMode.GenerateCode));
    }

    // Signature of CLIntrinsic.Handler; value is the call, value[i] its i-th argument.
    private static void EmitOpenCl(CLBackend backend, CLCodeGenerator generator, Value value)
    {
        var a = generator.Load(value[0]);
        var b = generator.Load(value[1]);
        var c = generator.Load(value[2]);
        var result = generator.Allocate(value);
        using var statement = generator.BeginStatement(result);
        statement.AppendCommand("fma");
        statement.BeginArguments();
        statement.AppendArgument(a);
        statement.AppendArgument(b);
        statement.AppendArgument(c);
        statement.EndArguments();
    }

    // Signature of PTXIntrinsic.Handler.
    private static void EmitPtx(PTXBackend backend, PTXCodeGenerator generator, Value value)
    {
        var a = generator.LoadPrimitive(value[0]);
        var b = generator.LoadPrimitive(value[1]);
        var c = generator.LoadPrimitive(value[2]);
        var result = generator.AllocateHardware(value);
        using var command = generator.BeginCommand("fma.rn.f32");
        command.AppendArgument(result);
        command.AppendArgument(a);
        command.AppendArgument(b);
        command.AppendArgument(c);
    }
}
