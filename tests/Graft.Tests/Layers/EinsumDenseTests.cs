using System.Text.Json.Nodes;
using Graft.Autograd;
using Graft.Layers.Core;
using Graft.Saving;
using Graft.Tensors;
using Graft.Tests.Testing;
using static Graft.Tests.Testing.GradCheck;

namespace Graft.Tests.Layers;

/// <summary>
/// EinsumDense's shapes as Keras derives them from the equation, its "..." forms against the
/// same layer written without them, and the einsum op's gradients.
/// </summary>
public class EinsumDenseTests
{
    private static EinsumDense Built(EinsumDense layer, int[] sample)
    {
        layer.Call(Tensor.Zeros([1, .. sample]));
        return layer;
    }

    [Fact]
    public void WeightShapesFollowKerasAnalysis()
    {
        // Kernel letters take the output's size, else the input's; the bias spans the output from its first bias letter.
        var heads = Built(new EinsumDense("abc,cde->abde", [3, 2, 4], biasAxes: "e"), [3, 5]);
        Assert.Equal([5, 2, 4], heads.Kernel!.Shape.ToArray());
        Assert.Equal([4], heads.Bias!.Shape.ToArray());
        var gapped = Built(new EinsumDense("abc,cd->abd", [3, 4], biasAxes: "bd"), [3, 2]);
        Assert.Equal([3, 4], gapped.Bias!.Shape.ToArray());
        var skip = Built(new EinsumDense("abcd,cde->abde", [2, 3, 6], biasAxes: "b"), [2, 4, 3]);
        Assert.Equal([2, 1, 1], skip.Bias!.Shape.ToArray());
        // "..." on the right: the bias gets a 1 for each axis it covers.
        var right = Built(new EinsumDense("abc...,cd->abd...", [2, 4], biasAxes: "d"), [2, 3, 5]);
        Assert.Equal([4, 1], right.Bias!.Shape.ToArray());
        Assert.Equal([null, 2, 4, 5], right.ComputeOutputShape([null, 2, 3, 5]));
        // An open output size (None in Keras) is the input's.
        Assert.Equal([null, 7, 4], new EinsumDense("abc,cd->abd", [-1, 4]).ComputeOutputShape([null, 7, 3]));
    }

    [Fact]
    public void EllipsisFormsEqualTheSpelledOutEquation()
    {
        var x = Uniform([2, 3, 4], 1);
        var kernel = Uniform([4, 5], 2);
        var plain = Built(new EinsumDense("abc,cd->abd", [3, 5]), [3, 4]);
        var left = Built(new EinsumDense("...c,cd->...d", 5), [3, 4]);
        plain.SetWeights([kernel]); left.SetWeights([kernel]);
        Assertions.Close(plain.Call(x).ToArray(), left.Call(x), 1e-6f);

        var y = Uniform([2, 4, 3, 2], 3);
        var bias = Uniform([5, 1], 4);
        var right = Built(new EinsumDense("abc...,cd->abd...", [4, 5], biasAxes: "d"), [4, 3, 2]);
        var spelled = Built(new EinsumDense("abcx,cd->abdx", [4, 5, 2], biasAxes: "dx"), [4, 3, 2]);
        right.SetWeights([Uniform([3, 5], 5), bias]);
        spelled.SetWeights([right.Kernel!.Value, Ops.Reshape(Ops.Concatenate([bias, bias], 1), 5, 2)]);
        Assertions.Close(spelled.Call(y).ToArray(), right.Call(y), 1e-6f);
    }

    [Fact]
    public void BadEquationsAndShapesAreNamed()
    {
        var e = Assert.Throws<ArgumentException>(() => new EinsumDense("ab,bc", 3));
        Assert.Contains("[X],[Y]->[Z]", e.Message);
        e = Assert.Throws<ArgumentException>(() => new EinsumDense("abc,cd->abd", [5, 4]).ComputeOutputShape([null, 3, 2]));
        Assert.Contains("'b'", e.Message);
        e = Assert.Throws<ArgumentException>(() => new EinsumDense("ab,bc->ac", [4, 4]).ComputeOutputShape([null, 3]));
        Assert.Contains("output_shape", e.Message);
        e = Assert.Throws<ArgumentException>(() => new EinsumDense("ab,bc->ac", 4, biasAxes: "x").ComputeOutputShape([null, 3]));
        Assert.Contains("bias", e.Message);
    }

    [Fact]
    public void ConfigWritesOpenSizesAsNone()
    {
        var layer = new EinsumDense("abc,cd->abd", [-1, 4], biasAxes: "d", name: "ed");
        var config = layer.GetConfig();
        Assert.Equal("[null,4]", config["output_shape"]!.ToJsonString());
        Assert.Equal("abc,cd->abd", (string)config["equation"]!);
        var back = (EinsumDense)LayerRegistry.FromConfig("EinsumDense", (JsonObject)config.DeepClone());
        Assert.Equal([-1, 4], back.OutputShape);
        Assert.Equal("d", back.BiasAxes);
    }

    [Theory]
    [InlineData("abc,cde->abde", new[] { 2, 3, 4 }, new[] { 4, 2, 3 })]
    [InlineData("abc,acd->abd", new[] { 2, 3, 4 }, new[] { 2, 4, 2 })]      // a batch letter in both operands
    [InlineData("abc,cd->ad", new[] { 2, 3, 4 }, new[] { 4, 2 })]           // b summed in the first operand alone
    [InlineData("abc,cd->dba", new[] { 2, 3, 4 }, new[] { 4, 3 })]          // output in another order
    [InlineData("...c,cd->...d", new[] { 2, 3, 4 }, new[] { 4, 2 })]
    public void EinsumGradientsMatchFiniteDifferences(string equation, int[] a, int[] b) =>
        Check(t => Ops.Einsum(equation, t[0], t[1]), [Uniform(a, 1), Uniform(b, 2)]);

    [Fact]
    public void EinsumMatchesAHandSum()
    {
        // out[a, d, b] = Σ_c x[a, b, c] · w[c, d]
        var x = Uniform([2, 3, 4], 7);
        var w = Uniform([4, 5], 8);
        var y = Ops.Einsum("abc,cd->adb", x, w).ToArray();
        var xs = x.ToArray(); var ws = w.ToArray();
        for (int a = 0; a < 2; a++)
            for (int d = 0; d < 5; d++)
                for (int b = 0; b < 3; b++)
                {
                    double sum = 0;
                    for (int c = 0; c < 4; c++) sum += xs[(a * 3 + b) * 4 + c] * ws[c * 5 + d];
                    Assert.Equal(sum, y[(a * 5 + d) * 3 + b], 5);
                }
        Assert.Throws<ArgumentException>(() => Ops.Einsum("aa,ab->b", Uniform([2, 2], 1), Uniform([2, 2], 2)));
        Assert.Throws<NotSupportedException>(() => Ops.Einsum("ab,...b->a", Uniform([2, 2], 1), Uniform([2, 2], 2)));
    }
}
