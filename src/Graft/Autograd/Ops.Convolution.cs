using Graft.Tensors;
using Graft.Tensors.Backends;

namespace Graft.Autograd;

public static partial class Ops
{
    /// <summary>
    /// Output length and leading pad of one spatial axis, as TensorFlow computes them:
    /// "valid" uses no padding; "same" gives ⌈n/s⌉ outputs and puts the odd pad cell at the end.
    /// </summary>
    /// <summary>
    /// The longest dilated kernel span that "same" or "causal" padding accepts for an input of
    /// <paramref name="n"/> cells: 64n + 64. Beyond that nearly every tap reads padding, and the
    /// padding would dwarf the input: such a kernel size or dilation is corrupt, not a model.
    /// </summary>
    internal static long MaxPaddedSpan(int n) => 64L * n + 64;

    internal static (int output, int padBefore) ConvAxis(int n, int k, int stride, int dilation, string padding, string op)
    {
        // In 64 bits: a malformed file's sizes near int.MaxValue must not wrap around.
        long eff = (k - 1L) * dilation + 1;
        switch (padding)
        {
            case "valid":
                if (n < eff) throw new ArgumentException($"{op}: expected spatial size >= {eff} (kernel {k}, dilation {dilation}) with padding 'valid', got {n}.");
                return ((int)((n - eff) / stride + 1), 0);
            case "same":
                if (eff > MaxPaddedSpan(n)) throw new ArgumentException($"{op}: expected a dilated kernel spanning at most {MaxPaddedSpan(n)} cells for size {n} with padding 'same', got {eff} (kernel {k}, dilation {dilation}).");
                long o = (n + stride - 1L) / stride;
                long total = Math.Max((o - 1) * stride + eff - n, 0);
                if (total / 2 > int.MaxValue) throw new ArgumentException($"{op}: expected a kernel of at most {int.MaxValue} cells with its padding, got kernel {k}, dilation {dilation}, stride {stride} on size {n}.");
                return ((int)o, (int)(total / 2));
            default:
                throw new ArgumentException($"{op}: expected padding 'valid' or 'same', got '{padding}'.");
        }
    }

    internal static Conv2DGeometry Geometry(Shape x, int kh, int kw, (int h, int w) strides, (int h, int w) dilation, string padding, string op)
    {
        if (strides.h <= 0 || strides.w <= 0) throw new ArgumentOutOfRangeException(nameof(strides), $"{op}: expected strides >= 1, got ({strides.h}, {strides.w}).");
        if (dilation.h <= 0 || dilation.w <= 0) throw new ArgumentOutOfRangeException(nameof(dilation), $"{op}: expected dilation >= 1, got ({dilation.h}, {dilation.w}).");
        var (oh, pt) = ConvAxis(x[1], kh, strides.h, dilation.h, padding, op);
        var (ow, pl) = ConvAxis(x[2], kw, strides.w, dilation.w, padding, op);
        return new Conv2DGeometry(x[0], x[1], x[2], x[3], kh, kw, strides.h, strides.w, dilation.h, dilation.w, pt, pl, oh, ow);
    }

    /// <summary>
    /// 2-D convolution of NHWC input with a Keras-layout kernel (KH, KW, Cin/groups, Cout),
    /// like <c>keras.ops.conv</c>. Groups split channels into independent convolutions (groups = Cin
    /// is depthwise).
    /// </summary>
    /// <param name="x">Input (N, H, W, Cin).</param>
    /// <param name="kernel">Kernel (KH, KW, Cin / groups, Cout).</param>
    /// <param name="strides">Step (h, w); default (1, 1).</param>
    /// <param name="padding">"valid" or "same" (TensorFlow's asymmetric same padding).</param>
    /// <param name="dilation">Dilation rate (h, w); default (1, 1).</param>
    /// <param name="groups">Channel groups; Cin and Cout must divide by it.</param>
    /// <returns>(N, OH, OW, Cout).</returns>
    public static Tensor Conv2D(Tensor x, Tensor kernel, (int, int)? strides = null, string padding = "valid", (int, int)? dilation = null, int groups = 1)
        => Conv2D(x, kernel, null, null, strides, padding, dilation, groups);

    /// <summary>
    /// Conv2D with its bias and activation, fused into the convolution's GEMM (applied to each output
    /// tile as it is finished) when the activation is linear, relu or selu; others run afterwards.
    /// </summary>
    public static Tensor Conv2D(Tensor x, Tensor kernel, Tensor? bias, Activations.ActivationFunction? activation,
        (int, int)? strides = null, string padding = "valid", (int, int)? dilation = null, int groups = 1)
    {
        var act = (activation?.Name ?? "linear") switch
        {
            "linear" => Tensors.Kernels.EpilogueActivation.None,
            "relu" => Tensors.Kernels.EpilogueActivation.Relu,
            "selu" => Tensors.Kernels.EpilogueActivation.Selu,
            _ => (Tensors.Kernels.EpilogueActivation?)null,
        };
        if (act is null)
        {
            var z = Conv2D(x, kernel, bias, null, strides, padding, dilation, groups);
            return activation!.Call(z);
        }
        if (x.Rank != 4) throw new ArgumentException($"Conv2D: expected input of rank 4 (batch, height, width, channels), got shape {x.Shape}.");
        if (kernel.Rank != 4) throw new ArgumentException($"Conv2D: expected a kernel of rank 4 (kh, kw, in/groups, out), got shape {kernel.Shape}.");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(groups);
        int cin = x.Shape[3], cout = kernel.Shape[3];
        if (cin % groups != 0 || cout % groups != 0 || kernel.Shape[2] != cin / groups)
            throw new ArgumentException($"Conv2D: expected kernel (kh, kw, {cin}/{groups}, out) with out divisible by {groups}, got kernel {kernel.Shape} for input {x.Shape}.");
        if (bias is not null && (bias.Rank != 1 || bias.Shape[0] != cout))
            throw new ArgumentException($"Conv2D: expected a bias of shape ({cout},), got {bias.Shape}.");
        var g = Geometry(x.Shape, kernel.Shape[0], kernel.Shape[1], strides ?? (1, 1), dilation ?? (1, 1), padding, "Conv2D");
        var device = Tensor.SameDevice("Conv2D", x, kernel, bias);
        if (x.Backend is not IFusedConv2D fused)
        {
            // A backend without the fused epilogue: the primitive convolution, then bias and activation as ops.
            var z = Conv2DPrimitive(x, kernel, groups, g, device);
            if (bias is not null) z = Add(z, bias);
            return act == Tensors.Kernels.EpilogueActivation.None ? z : activation!.Call(z);
        }
        var y = Tensor.Empty(Shape.Wrap([g.N, g.OH, g.OW, cout]), zero: false, device);
        // No patches are kept for the kernel gradient: the backward gathers them again a block at a
        // time, which costs little next to its multiply-adds, where keeping them held a patch matrix
        // per layer (KH·KW times the layer's input) from forward to backward.
        fused.Conv2D(x, kernel, groups, g, y, bias, act.Value);
        if (!Tensor.NeedsGrad(x, kernel) && (bias is null || !Tensor.NeedsGrad(bias))) return y;
        Tensor[] inputs = bias is null ? [x, kernel] : [x, kernel, bias];
        return Tensor.Record(y, "Conv2D", g0 =>
        {
            var gy = g0;
            bool biasGrad = bias is not null && bias.RequiresGrad;
            if (act == Tensors.Kernels.EpilogueActivation.Relu && !x.RequiresGrad && kernel.RequiresGrad)
            {
                // A first layer: dW (and the bias gradient) read relu's gradient as they go, where
                // the backend can, instead of a pass writing it out whole (the layer's output size).
                var gk = Tensor.Empty(kernel.Shape, zero: false, x.Device);
                var gb = biasGrad ? Tensor.Empty(bias!.Shape, zero: false, x.Device) : null;
                if (x.Backend.Conv2DKernelGradientThroughRelu(x, y, g0, groups, g, gk, gb))
                {
                    if (gb is not null) bias!.AccumulateGrad(gb);
                    kernel.AccumulateGrad(gk);
                    return;
                }
            }
            if (act != Tensors.Kernels.EpilogueActivation.None)
            {
                // relu' and selu' from y alone: y > 0 exactly where the pre-activation is; the bias
                // gradient (the column sums) is taken in the same pass.
                gy = Tensor.Empty(y.Shape, zero: false, y.Device);
                var op = act == Tensors.Kernels.EpilogueActivation.Relu ? UnaryOp.Relu : UnaryOp.Selu;
                if (biasGrad)
                {
                    var gb = Tensor.Empty(bias!.Shape, zero: false, y.Device);
                    y.Backend.UnaryBackwardWithColumnSums(op, y, y, g0, gy, gb, 0f, float.NaN);
                    bias.AccumulateGrad(gb);
                    biasGrad = false;
                }
                else y.Backend.UnaryBackward(op, y, y, g0, gy, 0f, float.NaN);
            }
            if (biasGrad) bias!.AccumulateGrad(SumToShape(gy, bias.Shape));
            Conv2DGradients(x, kernel, gy, groups, g);
        }, inputs);
    }

    /// <summary>The convolution alone through the backend's primitives, with its gradient rule.</summary>
    private static Tensor Conv2DPrimitive(Tensor x, Tensor kernel, int groups, Conv2DGeometry g, Device device)
    {
        var y = Tensor.Empty(Shape.Wrap([g.N, g.OH, g.OW, kernel.Shape[3]]), zero: false, device);
        x.Backend.Conv2D(x, kernel, groups, g, y);
        if (!Tensor.NeedsGrad(x, kernel)) return y;
        return Tensor.Record(y, "Conv2D", gy =>
        {
            // y = x ⋆ k:  dx = the transposed convolution of gy with k,  dk = the correlation of x with gy.
            Conv2DGradients(x, kernel, gy, groups, g);
        }, x, kernel);
    }

    /// <summary>
    /// dX and dW of a convolution, those its inputs need, in one backend call: the backend may
    /// compute the two side by side (a small layer's gradients each keep a core busy where either
    /// alone would not keep two).
    /// </summary>
    private static void Conv2DGradients(Tensor x, Tensor kernel, Tensor gy, int groups, in Conv2DGeometry g)
    {
        var gx = x.RequiresGrad ? Tensor.Empty(x.Shape, zero: false, x.Device) : null;
        var gk = kernel.RequiresGrad ? Tensor.Empty(kernel.Shape, zero: false, x.Device) : null;
        if (gx is null && gk is null) return;
        x.Backend.Conv2DBackward(x, kernel, gy, groups, g, gx, gk);
        if (gx is not null) x.AccumulateGrad(gx);
        if (gk is not null) kernel.AccumulateGrad(gk);
    }

    /// <summary>
    /// Depthwise 2-D convolution with a Keras DepthwiseConv2D kernel (KH, KW, C, multiplier):
    /// output channel c·multiplier + m sees only input channel c.
    /// </summary>
    public static Tensor DepthwiseConv2D(Tensor x, Tensor kernel, (int, int)? strides = null, string padding = "valid", (int, int)? dilation = null)
    {
        if (kernel.Rank != 4 || x.Rank != 4 || kernel.Shape[2] != x.Shape[3])
            throw new ArgumentException($"DepthwiseConv2D: expected kernel (kh, kw, {(x.Rank == 4 ? x.Shape[3] : -1)}, multiplier), got kernel {kernel.Shape} for input {x.Shape}.");
        // (KH, KW, C, M) in row-major order is the grouped kernel (KH, KW, 1, C·M): no copy.
        var grouped = Reshape(kernel, kernel.Shape[0], kernel.Shape[1], 1, kernel.Shape[2] * kernel.Shape[3]);
        return Conv2D(x, grouped, strides, padding, dilation, groups: x.Shape[3]);
    }

    /// <summary>
    /// 1-D convolution over (N, L, Cin) with a Keras Conv1D kernel (K, Cin/groups, Cout); padding
    /// "valid", "same" or "causal" (left padding only, so output t sees inputs ≤ t).
    /// </summary>
    public static Tensor Conv1D(Tensor x, Tensor kernel, int stride = 1, string padding = "valid", int dilation = 1, int groups = 1)
        => Conv1D(x, kernel, null, null, stride, padding, dilation, groups);

    /// <summary>Conv1D with its bias and activation fused (see the fused Conv2D).</summary>
    public static Tensor Conv1D(Tensor x, Tensor kernel, Tensor? bias, Activations.ActivationFunction? activation, int stride = 1, string padding = "valid", int dilation = 1, int groups = 1)
    {
        if (x.Rank != 3) throw new ArgumentException($"Conv1D: expected input of rank 3 (batch, steps, channels), got shape {x.Shape}.");
        if (kernel.Rank != 3) throw new ArgumentException($"Conv1D: expected a kernel of rank 3 (k, in/groups, out), got shape {kernel.Shape}.");
        if (padding == "causal")
        {
            long span = (kernel.Shape[0] - 1L) * dilation + 1;
            if (span > MaxPaddedSpan(x.Shape[1])) throw new ArgumentException($"Conv1D: expected a dilated kernel spanning at most {MaxPaddedSpan(x.Shape[1])} steps for {x.Shape[1]} steps with padding 'causal', got {span} (kernel {kernel.Shape[0]}, dilation {dilation}).");
            x = Pad(x, [(0, 0), ((kernel.Shape[0] - 1) * dilation, 0), (0, 0)]);
            padding = "valid";
        }
        var x4 = Reshape(x, x.Shape[0], 1, x.Shape[1], x.Shape[2]);
        var k4 = Reshape(kernel, 1, kernel.Shape[0], kernel.Shape[1], kernel.Shape[2]);
        var y = Conv2D(x4, k4, bias, activation, (1, stride), padding, (1, dilation), groups);
        return Reshape(y, y.Shape[0], y.Shape[2], y.Shape[3]);
    }

    /// <summary>
    /// Keras's transposed-convolution output length of one axis and the leading cells cropped from
    /// the full (n − 1)·s + k_eff result (TensorFlow's conv_transpose with Keras's output shape):
    /// "valid": (n − 1)·s + k_eff + p with p = max(k_eff, s) − k_eff unless given; "same": n·s, or
    /// (n − 1)·s + k_eff mod 2 + p when p is given; the crop is half the "same" padding, rounded down.
    /// </summary>
    internal static (int Output, int PadBefore) ConvTransposeAxis(int n, int k, int stride, int dilation, string padding, int? outputPadding, string op)
    {
        if (padding is not ("valid" or "same")) throw new ArgumentException($"{op}: expected padding 'valid' or 'same', got '{padding}'.");
        if (outputPadding is { } p && (p < 0 || p >= stride))
            throw new ArgumentOutOfRangeException(nameof(outputPadding), $"{op}: expected output_padding in [0, stride) = [0, {stride}), got {p}.");
        long eff = (k - 1L) * dilation + 1;
        // TensorFlow checks that "same" maps the output back to n cells, ⌈length / s⌉ = n: with an even
        // kernel and no output padding the length would be (n − 1)·s, one stride short.
        if (padding == "same" && outputPadding == 0 && eff % 2 == 0)
            throw new ArgumentException($"{op}: expected output_padding >= 1 with padding 'same' and an even (dilated) kernel size {eff}, got 0: the output, (n - 1)·stride cells, would not map back to the input's {n}. TensorFlow rejects it too.");
        long length = padding == "valid"
            ? (n - 1L) * stride + eff + (outputPadding ?? Math.Max(eff, stride) - eff)
            : outputPadding is { } q ? (n - 1L) * stride + eff % 2 + q : (long)n * stride;
        if (length <= 0 || length > int.MaxValue) throw new ArgumentException($"{op}: expected a positive output size below 2^31, got {length} (size {n}, kernel {k}, stride {stride}, dilation {dilation}, padding '{padding}').");
        long before = padding == "same" ? Math.Max((n - 1L) * stride + eff - length, 0) / 2 : 0;
        return ((int)length, (int)before);
    }

    /// <summary>
    /// Transposed 2-D convolution (the gradient of <see cref="Conv2D(Tensor, Tensor, ValueTuple{int, int}?, string, ValueTuple{int, int}?, int)"/> with respect to its input),
    /// with a Keras Conv2DTranspose kernel (KH, KW, Cout, Cin). Output size follows Keras:
    /// "valid": (n − 1)·s + max(k_eff, s); "same": n·s; with <paramref name="outputPadding"/> p,
    /// "valid": (n − 1)·s + k_eff + p, "same": (n − 1)·s + k_eff mod 2 + p.
    /// </summary>
    /// <param name="x">Input (N, H, W, Cin).</param>
    /// <param name="kernel">Kernel (KH, KW, Cout, Cin).</param>
    /// <param name="strides">Step (h, w); default (1, 1).</param>
    /// <param name="padding">"valid" or "same".</param>
    /// <param name="dilation">Dilation rate (h, w); default (1, 1).</param>
    /// <param name="outputPadding">Keras's output_padding (h, w), each below its stride; default none.</param>
    public static Tensor Conv2DTranspose(Tensor x, Tensor kernel, (int, int)? strides = null, string padding = "valid", (int, int)? dilation = null, (int, int)? outputPadding = null)
    {
        if (x.Rank != 4 || kernel.Rank != 4 || kernel.Shape[3] != x.Shape[3])
            throw new ArgumentException($"Conv2DTranspose: expected input (N, H, W, C) and kernel (kh, kw, out, C), got input {x.Shape} and kernel {kernel.Shape}.");
        var (sh, sw) = strides ?? (1, 1); var (dh, dw) = dilation ?? (1, 1);
        int kh = kernel.Shape[0], kw = kernel.Shape[1], cout = kernel.Shape[2];
        var (oh, pt) = ConvTransposeAxis(x.Shape[1], kh, sh, dh, padding, outputPadding?.Item1, "Conv2DTranspose");
        var (ow, pl) = ConvTransposeAxis(x.Shape[2], kw, sw, dw, padding, outputPadding?.Item2, "Conv2DTranspose");
        // The forward convolution that maps (oh, ow, cout) back to x's (h, w), with the pads Keras's output shape implies.
        var g = new Conv2DGeometry(x.Shape[0], oh, ow, cout, kh, kw, sh, sw, dh, dw, pt, pl, x.Shape[1], x.Shape[2]);
        var y = Tensor.Empty(Shape.Wrap([g.N, oh, ow, cout]), zero: false, Tensor.SameDevice("Conv2DTranspose", x, kernel));
        // Kernel (KH, KW, Cout, Cin) is the forward conv's kernel from Cout to Cin channels.
        x.Backend.Conv2DBackwardInput(x, kernel, 1, g, y);
        if (!Tensor.NeedsGrad(x, kernel)) return y;
        return Tensor.Record(y, "Conv2DTranspose", gy =>
        {
            if (x.RequiresGrad)
            {
                var gx = Tensor.Empty(x.Shape, zero: false, x.Device);
                x.Backend.Conv2D(gy, kernel, 1, g, gx);
                x.AccumulateGrad(gx);
            }
            if (kernel.RequiresGrad)
            {
                var gk = Tensor.Empty(kernel.Shape, zero: false, x.Device);
                x.Backend.Conv2DBackwardKernel(gy, x, 1, g, gk);
                kernel.AccumulateGrad(gk);
            }
        }, x, kernel);
    }
}
