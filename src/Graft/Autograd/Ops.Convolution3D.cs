using Graft.Tensors;

namespace Graft.Autograd;

public static partial class Ops
{
    /// <summary>
    /// 3-D convolution of NDHWC input with a Keras-layout kernel (KD, KH, KW, Cin/groups, Cout),
    /// like <c>keras.ops.conv</c> on volumes.
    /// </summary>
    /// <remarks>
    /// Composed of 2-D convolutions, so it shares their kernels and gradient rules: each depth tap
    /// k reads the depth slices k·dilation, k·dilation + s, …, which fold into the batch axis for one
    /// 2-D convolution with the kernel's k-th plane; the taps' results add up. "same" pads the depth
    /// axis as TensorFlow does (the odd cell at the end) and leaves height and width to the 2-D
    /// convolution's own "same".
    /// </remarks>
    /// <param name="x">Input (N, D, H, W, Cin).</param>
    /// <param name="kernel">Kernel (KD, KH, KW, Cin / groups, Cout).</param>
    /// <param name="strides">Step (d, h, w); default (1, 1, 1).</param>
    /// <param name="padding">"valid" or "same".</param>
    /// <param name="dilation">Dilation rate (d, h, w); default (1, 1, 1).</param>
    /// <param name="groups">Channel groups; Cin and Cout must divide by it.</param>
    /// <returns>(N, OD, OH, OW, Cout).</returns>
    public static Tensor Conv3D(Tensor x, Tensor kernel, (int, int, int)? strides = null, string padding = "valid", (int, int, int)? dilation = null, int groups = 1)
    {
        if (x.Rank != 5 || kernel.Rank != 5)
            throw new ArgumentException($"Conv3D: expected input (N, D, H, W, C) and kernel (kd, kh, kw, C / groups, out), got input {x.Shape} and kernel {kernel.Shape}.");
        var (sd, sh, sw) = strides ?? (1, 1, 1);
        var (dd, dh, dw) = dilation ?? (1, 1, 1);
        if (sd <= 0 || dd <= 0) throw new ArgumentOutOfRangeException(nameof(strides), $"Conv3D: expected strides and dilation >= 1, got strides ({sd}, {sh}, {sw}), dilation ({dd}, {dh}, {dw}).");
        int n = x.Shape[0], depth = x.Shape[1], kd = kernel.Shape[0];
        var (od, before) = ConvAxis(depth, kd, sd, dd, padding, "Conv3D");
        if (padding == "same")
        {
            int after = Math.Max((od - 1) * sd + (kd - 1) * dd + 1 - depth, 0) - before;
            x = Pad(x, [(0, 0), (before, after), (0, 0), (0, 0), (0, 0)]);
        }
        int h = x.Shape[2], w = x.Shape[3], c = x.Shape[4];
        int[] plane = [kernel.Shape[1], kernel.Shape[2], kernel.Shape[3], kernel.Shape[4]];
        Tensor? sum = null;
        for (int k = 0; k < kd; k++)
        {
            var slices = Slice(x, [0, k * dd, 0, 0, 0], [n, od, h, w, c], [1, sd, 1, 1, 1]);
            var taps = Slice(kernel, [k, 0, 0, 0, 0], [1, .. plane], [1, 1, 1, 1, 1]);
            var y = Conv2D(Reshape(slices, n * od, h, w, c), Reshape(taps, plane), (sh, sw), padding, (dh, dw), groups);
            sum = sum is null ? y : Add(sum, y);
        }
        return Reshape(sum!, n, od, sum!.Shape[1], sum.Shape[2], sum.Shape[3]);
    }

    /// <summary>
    /// Transposed 3-D convolution (the adjoint of <see cref="Conv3D"/>) with a Keras Conv3DTranspose
    /// kernel (KD, KH, KW, Cout, Cin), with Keras's output sizes (see <see cref="Conv2DTranspose"/>).
    /// </summary>
    /// <remarks>
    /// Each depth tap k is a 2-D transposed convolution of every input slice with the kernel's k-th
    /// plane; input slice i lands on output depth i·s + k·dilation, so each tap's result is spread
    /// with s − 1 zero slices between its slices, shifted by k·dilation, and the taps add up. The full
    /// depth (n − 1)·s + k_eff is then cropped (or zero-extended) to Keras's output depth.
    /// </remarks>
    /// <param name="x">Input (N, D, H, W, Cin).</param>
    /// <param name="kernel">Kernel (KD, KH, KW, Cout, Cin).</param>
    /// <param name="strides">Step (d, h, w); default (1, 1, 1).</param>
    /// <param name="padding">"valid" or "same".</param>
    /// <param name="dilation">Dilation rate (d, h, w); default (1, 1, 1).</param>
    /// <param name="outputPadding">Keras's output_padding (d, h, w), each below its stride; default none.</param>
    /// <returns>(N, OD, OH, OW, Cout).</returns>
    public static Tensor Conv3DTranspose(Tensor x, Tensor kernel, (int, int, int)? strides = null, string padding = "valid", (int, int, int)? dilation = null,
        (int, int, int)? outputPadding = null)
    {
        if (x.Rank != 5 || kernel.Rank != 5 || kernel.Shape[4] != x.Shape[4])
            throw new ArgumentException($"Conv3DTranspose: expected input (N, D, H, W, C) and kernel (kd, kh, kw, out, C), got input {x.Shape} and kernel {kernel.Shape}.");
        var (sd, sh, sw) = strides ?? (1, 1, 1);
        var (dd, dh, dw) = dilation ?? (1, 1, 1);
        if (sd <= 0 || dd <= 0) throw new ArgumentOutOfRangeException(nameof(strides), $"Conv3DTranspose: expected strides and dilation >= 1, got strides ({sd}, {sh}, {sw}), dilation ({dd}, {dh}, {dw}).");
        int n = x.Shape[0], depth = x.Shape[1], h = x.Shape[2], w = x.Shape[3], c = x.Shape[4], kd = kernel.Shape[0];
        var (od, before) = ConvTransposeAxis(depth, kd, sd, dd, padding, outputPadding?.Item1, "Conv3DTranspose");
        (int, int)? planePadding = outputPadding is (_, var ph, var pw) ? (ph, pw) : null;
        int[] plane = [kernel.Shape[1], kernel.Shape[2], kernel.Shape[3], kernel.Shape[4]];
        int spread = (depth - 1) * sd + 1, full = (depth - 1) * sd + (kd - 1) * dd + 1;
        var folded = Reshape(x, n * depth, h, w, c);
        Tensor? sum = null;
        for (int k = 0; k < kd; k++)
        {
            var taps = Slice(kernel, [k, 0, 0, 0, 0], [1, .. plane], [1, 1, 1, 1, 1]);
            var y = Conv2DTranspose(folded, Reshape(taps, plane), (sh, sw), padding, (dh, dw), planePadding);
            int oh = y.Shape[1], ow = y.Shape[2], f = y.Shape[3];
            var slices = Reshape(y, n, depth, 1, oh * ow * f);
            if (sd > 1)
            {
                // Slice i to depth i·s: s − 1 zero slices after each, the trailing ones dropped.
                var zeros = Tensor.Zeros([n, depth, sd - 1, oh * ow * f], x.Device);
                slices = Slice(Reshape(Concatenate([slices, zeros], 2), n, depth * sd, oh * ow * f), [0, 0, 0], [n, spread, oh * ow * f], [1, 1, 1]);
            }
            var placed = Pad(Reshape(slices, n, spread, oh, ow, f), [(0, 0), (k * dd, full - spread - k * dd), (0, 0), (0, 0), (0, 0)]);
            sum = sum is null ? placed : Add(sum, placed);
        }
        var result = sum!;
        // Keras's depth: a crop of `before` leading slices, and zero slices past the full depth (output_padding).
        int keep = Math.Min(od, full - before);
        int[] dims = [n, keep, result.Shape[2], result.Shape[3], result.Shape[4]];
        result = Slice(result, [0, before, 0, 0, 0], dims, [1, 1, 1, 1, 1]);
        return keep == od ? result : Pad(result, [(0, 0), (0, od - keep), (0, 0), (0, 0), (0, 0)]);
    }
}
