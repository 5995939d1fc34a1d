using Graft.Initializers;
using Graft.Layers.Core;
using Graft.Onnx.Layers;
using Graft.Tensors;

namespace Graft.Onnx.Importing;

// MatMul and Gemm by a weight matrix are Keras's Dense: the kernel is (in, out), as ONNX's B without transB.
internal sealed partial class OnnxGraphBuilder
{
    private void Gemm()
    {
        var a = Input(0);
        if (a.Constant is not null) throw NotSupportedHere("expected A computed from the model's input, got a constant");
        var b = ConstantInput(1, "B");
        if (_node.Int("transA", 0) != 0) throw NotSupportedHere("expected transA 0, got 1; Graft keeps the batch on A's first axis");
        if (b.Rank != 2) throw Malformed($"expected B of rank 2, got shape ({string.Join(", ", b.Dims)})");
        float alpha = _node.Float("alpha", 1f), beta = _node.Float("beta", 1f);
        var kernel = _node.Int("transB", 0) != 0 ? b.Transpose([1, 0]) : b;
        var c = OptionalInput(2) is { } cv ? cv.Constant ?? throw NotSupportedHere("expected C known at import, got a computed one") : null;
        float[]? bias = null;
        int units = kernel.Dims[1];
        if (c is not null)
        {
            if (c.Rank == 2 && c.Dims[0] != 1) throw NotSupportedHere($"expected C that broadcasts over the batch, got shape ({string.Join(", ", c.Dims)})");
            bias = Vector(c, units, "C").Select(v => v * beta).ToArray();
        }
        Output(Dense(a, kernel, alpha, bias));
    }

    private void MatMul()
    {
        var a = Input(0);
        var b = Input(1);
        if (a.Constant is not null && b.Constant is not null) { Output(MatMulConstants(a.Constant, b.Constant)); return; }
        if (a.Constant is not null) throw NotSupportedHere("expected the computed operand first (x · W), got a constant first");
        if (b.Constant is null) { Output(MatMulComputed(a, b)); return; }
        if (b.Constant.Rank != 2) throw NotSupportedHere($"expected a 2-D weight matrix, got shape ({string.Join(", ", b.Constant.Dims)})");
        Output(Dense(a, b.Constant, 1f, null));
    }

    /// <summary>A product of two computed tensors (attention's Q·Kᵀ): per sample, in ONNX's layout.</summary>
    private OnnxValue MatMulComputed(OnnxValue a, OnnxValue b)
    {
        var x = OnnxLayout(a);
        var y = OnnxLayout(b);
        if (x.Shape.Length < 3 || x.Shape.Length != y.Shape.Length)
            throw NotSupportedHere($"expected two computed operands of one rank, 3 or more (a product per sample), got {Shape(a)} and {Shape(b)}");
        if (x.Shape[^1] is { } k && y.Shape[^2] is { } kb && k != kb)
            throw Malformed($"expected inner dimensions to agree, got {Shape(a)} x {Shape(b)}");
        return OnnxValue.Of(Apply(new OnnxBinaryOp("matmul", NodeName()), x, y), channelsLast: false);
    }

    private OnnxValue Dense(OnnxValue x, OnnxConstant kernel, float alpha, float[]? bias)
    {
        int inFeatures = kernel.Dims[0], units = kernel.Dims[1];
        var input = OnnxLayout(x);
        if (input.Shape[^1] is { } d && d != inFeatures)
            throw Malformed($"expected an input whose last axis has {inFeatures} features (the weights' first axis), got {Shape(x)}");
        var k = alpha == 1f ? kernel.AsFloats() : kernel.AsFloats().Select(v => v * alpha).ToArray();
        var layer = new Dense(units, useBias: bias is not null, kernelInitializer: new FileWeights(Tensor.FromArray(k, inFeatures, units), new GlorotUniform()),
            biasInitializer: bias is null ? new Zeros() : new FileWeights(Tensor.FromArray(bias, units), new Zeros()), name: NodeName());
        var y = layer.Call(input);
        return OnnxValue.Of(y, channelsLast: false);
    }

    private OnnxConstant MatMulConstants(OnnxConstant a, OnnxConstant b)
    {
        if (a.Rank != 2 || b.Rank != 2 || a.Dims[1] != b.Dims[0]) throw NotSupportedHere($"expected 2-D constant matrices that multiply, got ({string.Join(", ", a.Dims)}) and ({string.Join(", ", b.Dims)})");
        int m = a.Dims[0], k = a.Dims[1], n = b.Dims[1];
        var fa = a.AsFloats(); var fb = b.AsFloats();
        var r = new float[m * n];
        for (int i = 0; i < m; i++)
            for (int p = 0; p < k; p++)
                for (int j = 0; j < n; j++) r[i * n + j] += fa[i * k + p] * fb[p * n + j];
        return new OnnxConstant([m, n], r);
    }
}
