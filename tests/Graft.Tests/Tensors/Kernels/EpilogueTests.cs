using Graft.Tensors;
using Graft.Tensors.Kernels;
using Graft.Tests.Testing;
using static Graft.Tensors.Backends.CpuBackend;

namespace Graft.Tests.Tensors.Kernels;

/// <summary>
/// The GEMM epilogue (bias, then activation) in its 4-lane loop, the one ARM64 and x86 without
/// AVX run, and in whatever loop this machine picks, against the rule computed in double.
/// </summary>
public class EpilogueTests
{
    private static double Reference(EpilogueActivation activation, double v) => activation switch
    {
        EpilogueActivation.Relu => Math.Max(v, 0),
        EpilogueActivation.Selu => v > 0 ? SeluScale * v : SeluScale * SeluAlpha * (Math.Exp(v) - 1),
        _ => v,
    };

    [Theory]
    [InlineData("None", true, 23)]
    [InlineData("Relu", true, 23)]
    [InlineData("Selu", true, 23)]
    [InlineData("Selu", false, 9)]
    [InlineData("Relu", false, 3)]
    public unsafe void NarrowAndNativeLoopsMatchReference(string activationName, bool withBias, int cols)
    {
        var activation = Enum.Parse<EpilogueActivation>(activationName);
        var c0 = Tensor.RandomUniform([cols], -3, 3, new Generator(1)).ToArray();
        var bias = Tensor.RandomUniform([cols + 5], -1, 1, new Generator(2)).ToArray();
        const int j0 = 5;   // the block starts 5 columns into the bias
        var expected = c0.Select((v, j) => (float)Reference(activation, (double)v + (withBias ? bias[j0 + j] : 0))).ToArray();
        fixed (float* pb = bias)
        {
            var epilogue = new Epilogue(withBias ? pb : null, activation);
            foreach (bool narrow in new[] { true, false })
            {
                var c = (float[])c0.Clone();
                fixed (float* pc = c) epilogue.ApplyFrom(pc, withBias ? pb + j0 : null, 0, cols, narrow);
                Assertions.Close(expected, c, 1e-6f, narrow ? "4 lanes" : "scalar");
            }
            var native = (float[])c0.Clone();
            fixed (float* pc = native) epilogue.Apply(pc, j0, cols);
            Assertions.Close(expected, native, 1e-6f, "native");
        }
    }
}
