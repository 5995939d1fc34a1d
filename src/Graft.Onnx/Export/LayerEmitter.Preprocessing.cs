using Graft.Layers;
using Graft.Layers.Preprocessing;
using Graft.Tensors.Kernels;

namespace Graft.Onnx.Export;

/// <summary>
/// Image preprocessing layers at inference: the random augmentations pass images through, as in
/// Keras; resizing and cropping compute what Graft computes.
/// </summary>
internal sealed partial class LayerEmitter
{
    private string? EmitPreprocessing(Layer layer, Value x)
    {
        switch (layer)
        {
            case RandomFlip or RandomRotation or RandomZoom or RandomTranslation or RandomContrast or RandomBrightness
                or RandomGrayscale or Solarization or RandomInvert or RandomPosterization:
                return G.Op("Identity", layer.Name, [x.Name]);
            case Normalization n: return Normalize(n, x);
            case Resizing r: return Resize(r, x);
            case CenterCrop c: return CenterCrop(c, x);
            // At inference RandomCrop resizes the largest centred window of the target's aspect ratio.
            case RandomCrop c: return SmartResize(c, x, c.DataFormat, c.Height, c.Width);
            default: return null;
        }
    }

    /// <summary>The image's height and width when the export knows them, in the layer's format; rank 4 (a batch of images) required.</summary>
    private static (int? H, int? W) ImageSize(Layer layer, Value x, string dataFormat)
    {
        if (x.Rank != 4) throw Unsupported(layer, $"input of rank {x.Rank}; a model's images are (batch, height, width, channels) or channels first");
        return dataFormat == "channels_last" ? (x.Shape[1], x.Shape[2]) : (x.Shape[2], x.Shape[3]);
    }

    private static NotSupportedException UnknownSize(Layer layer, string what) =>
        new($"{Describe(layer)}: expected images of known height and width for {what}, got an unknown size; give the model's input a fixed image size to export it to ONNX.");

    private string Resize(Resizing r, Value x)
    {
        var (h, w) = ImageSize(r, x, r.DataFormat);
        if (h is not int ih || w is not int iw)
        {
            // Sizes known only at run time: ONNX's Resize reproduces Graft's nearest and (upscaling or
            // non-antialiased) bilinear; the other filters and the aspect-ratio windows need the size here.
            if (r.CropToAspectRatio || r.PadToAspectRatio || r.Antialias || r.Interpolation is not ("bilinear" or "nearest"))
                throw UnknownSize(r, $"interpolation '{r.Interpolation}'{(r.Antialias ? " with antialias" : "")}{(r.CropToAspectRatio ? ", crop_to_aspect_ratio" : "")}{(r.PadToAspectRatio ? ", pad_to_aspect_ratio" : "")}");
            return ChannelsFirstBody(x, r.DataFormat, 2, r.Name, xf =>
            {
                var sizes = G.Op("Concat", r.Name, [ShapeOf(xf, r.Name, 0, 2), G.Ints($"{r.Name}/size", [r.Height, r.Width])], ("axis", 0));
                return r.Interpolation == "nearest"
                    ? G.Op("Resize", r.Name, [xf, "", "", sizes], ("mode", "nearest"), ("coordinate_transformation_mode", "tf_half_pixel_for_nn"), ("nearest_mode", "floor"))
                    : G.Op("Resize", r.Name, [xf, "", "", sizes], ("mode", "linear"), ("coordinate_transformation_mode", "half_pixel"));
            });
        }
        return InChannelsLast(x, r.DataFormat, r.Name, images =>
        {
            if (r.CropToAspectRatio)
            {
                var (top, left, ch, cw) = ImageLayout.AspectWindow(ih, iw, r.Height, r.Width);
                return ResizeMatrices(Crop(images, r.Name, top, left, ch, cw), r.Name, ch, cw, r.Height, r.Width, r.Interpolation, r.Antialias);
            }
            if (r.PadToAspectRatio)
            {
                // Graft's padding: the same count on both sides, filled with fill_value.
                int padH = Math.Max(ih, (int)((float)iw * r.Height / r.Width)), padW = Math.Max(iw, (int)((float)ih * r.Width / r.Height));
                int top = (int)((float)(padH - ih) / 2), left = (int)((float)(padW - iw) / 2);
                var padded = top == 0 && left == 0 ? images
                    : G.Op("Pad", r.Name, [images, G.Ints($"{r.Name}/pads", [0, top, left, 0, 0, top, left, 0]), G.Scalar($"{r.Name}/fill_value", r.FillValue)]);
                return ResizeMatrices(padded, r.Name, ih + 2 * top, iw + 2 * left, r.Height, r.Width, r.Interpolation, r.Antialias);
            }
            return ResizeMatrices(images, r.Name, ih, iw, r.Height, r.Width, r.Interpolation, r.Antialias);
        });
    }

    private string CenterCrop(CenterCrop c, Value x)
    {
        var (h, w) = ImageSize(c, x, c.DataFormat);
        if (h is not int ih || w is not int iw) throw UnknownSize(c, "a centred crop");
        if (ih < c.Height || iw < c.Width) return SmartResize(c, x, c.DataFormat, c.Height, c.Width);
        return InChannelsLast(x, c.DataFormat, c.Name, images => Crop(images, c.Name, (ih - c.Height) / 2, (iw - c.Width) / 2, c.Height, c.Width));
    }

    /// <summary>Keras's smart_resize: the largest centred window of the target's aspect ratio, resized bilinearly.</summary>
    private string SmartResize(Layer layer, Value x, string dataFormat, int height, int width)
    {
        var (h, w) = ImageSize(layer, x, dataFormat);
        if (h is not int ih || w is not int iw) throw UnknownSize(layer, "a resize to the target's aspect ratio");
        var (top, left, ch, cw) = ImageLayout.AspectWindow(ih, iw, height, width);
        return InChannelsLast(x, dataFormat, layer.Name, images =>
            ResizeMatrices(Crop(images, layer.Name, top, left, ch, cw), layer.Name, ch, cw, height, width, "bilinear", antialias: false));
    }

    /// <summary>Runs <paramref name="body"/> on a channels-last view of <paramref name="x"/> and returns the result in the layer's format.</summary>
    private string InChannelsLast(Value x, string dataFormat, string h, Func<string, string> body)
    {
        bool first = dataFormat == "channels_first";
        var y = body(first ? Transpose(x.Name, h, 0, 2, 3, 1) : x.Name);
        return first ? Transpose(y, h, 0, 3, 1, 2) : y;
    }

    private string Crop(string images, string h, int top, int left, int height, int width) =>
        G.Op("Slice", h, [images, G.Ints($"{h}/starts", [top, left]), G.Ints($"{h}/ends", [top + height, left + width]), G.Ints($"{h}/axes", [1, 2])]);

    /// <summary>
    /// Graft's resize of (N, H, W, C) images: each axis a product with the same resampling matrix
    /// Graft uses (every interpolation, antialias included), so the export computes what Graft does.
    /// </summary>
    private string ResizeMatrices(string images, string h, int inH, int inW, int outH, int outW, string interpolation, bool antialias)
    {
        string Matrix(int inSize, int outSize)
        {
            // Graft's matrix is (out, in); the product needs (in, out).
            var m = ImageSampling.ResizeMatrix(inSize, outSize, interpolation, antialias);
            return G.Floats($"{h}/resize_{inSize}_{outSize}", PermuteHost(m, [outSize, inSize], [1, 0]), inSize, outSize);
        }
        var y = images;
        if (outH != inH)
            y = Transpose(G.Op("MatMul", h, [Transpose(y, h, 0, 2, 3, 1), Matrix(inH, outH)]), h, 0, 3, 1, 2);   // (N, W, C, H) · (H, H')
        if (outW != inW)
            y = Transpose(G.Op("MatMul", h, [Transpose(y, h, 0, 1, 3, 2), Matrix(inW, outW)]), h, 0, 1, 3, 2);   // (N, H', C, W) · (W, W')
        return y;
    }

    /// <summary>
    /// Keras's Normalization: (x − mean) / max(√variance, 1e-7), or its inverse, with the statistics
    /// (given or adapted) broadcast over the axes that keep their own.
    /// </summary>
    private string Normalize(Normalization n, Value x)
    {
        string h = n.Name;
        var keep = n.Axis.Select(a => a < 0 ? a + x.Rank : a).Distinct().Order().ToArray();
        var dims = Enumerable.Range(0, x.Rank).Select(d => keep.Contains(d)
            ? x.Shape[d] ?? throw new InvalidOperationException($"{Describe(n)}: expected a known size on axis {d}, got none.") : 1).ToArray();
        int size = dims.Aggregate(1, (a, b) => a * b);
        float[] Expand(float[] v) => v.Length == 1 ? Enumerable.Repeat(v[0], size).ToArray() : v;
        var mean = Expand(n.InputMean ?? n.Mean!.Value.ToArray());
        var variance = Expand(n.InputVariance ?? n.Variance!.Value.ToArray());
        // Keras divides by max(√variance, epsilon), so a constant feature is not divided by zero.
        var std = variance.Select(v => Math.Max(MathF.Sqrt(v), 1e-7f)).ToArray();
        string m = G.Floats($"{h}/mean", mean, dims), s = G.Floats($"{h}/std", std, dims);
        return n.Invert ? Binary("Add", m, Binary("Mul", x.Name, s, h), h) : Binary("Div", Binary("Sub", x.Name, m, h), s, h);
    }
}
