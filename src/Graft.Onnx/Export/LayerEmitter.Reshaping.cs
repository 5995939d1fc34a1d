using Graft.Layers;
using Graft.Layers.Reshaping;
using Graft.Layers.Wrappers;

namespace Graft.Onnx.Export;

/// <summary>Reshaping layers and TimeDistributed; the batch axis stays dynamic throughout.</summary>
internal sealed partial class LayerEmitter
{
    private string? EmitReshaping(Layer layer, Value x, int?[] shape)
    {
        string h = layer.Name;
        switch (layer)
        {
            case Flatten: return G.Op("Flatten", h, [x.Name], ("axis", 1));
            // 0 copies the batch size from the input; the target may hold one -1.
            case Reshape r: return ReshapeTo(x.Name, h, [0, .. r.TargetShape.Select(d => (long)d)]);
            case Permute p: return Transpose(x.Name, h, [0, .. p.Dims]);
            case RepeatVector rv: return G.Op("Expand", h, [Unsqueeze(x.Name, h, 1), G.Ints($"{h}/repeats", [1, rv.N, 1])]);
            case UpSampling2D u when u.Interpolation != "nearest":
            {
                // Graft resizes with its own resampling matrices (bilinear, bicubic, Lanczos): the export multiplies by the same ones.
                var (rows, cols) = ImageSize(u, x, u.DataFormat);
                if (rows is not int ih || cols is not int iw) throw UnknownSize(u, $"{u.Interpolation} upsampling");
                return InChannelsLast(x, u.DataFormat, h, images => ResizeMatrices(images, h, ih, iw, ih * u.Size.Rows, iw * u.Size.Cols, u.Interpolation, antialias: false));
            }
            case UpSampling2D u:
            {
                // Nearest neighbour with a whole factor: output cell i reads input cell ⌊i / factor⌋.
                var scales = new float[4] { 1, 1, 1, 1 };
                int row = u.DataFormat == "channels_first" ? 2 : 1;
                scales[row] = u.Size.Rows; scales[row + 1] = u.Size.Cols;
                return G.Op("Resize", h, [x.Name, "", G.Floats($"{h}/scales", scales, 4)],
                    ("mode", "nearest"), ("coordinate_transformation_mode", "asymmetric"), ("nearest_mode", "floor"));
            }
            case ZeroPadding2D z:
            {
                int row = z.DataFormat == "channels_first" ? 2 : 1;
                var pads = new long[8];
                pads[row] = z.Padding.Height.Top; pads[row + 1] = z.Padding.Width.Left;
                pads[4 + row] = z.Padding.Height.Bottom; pads[4 + row + 1] = z.Padding.Width.Right;
                return G.Op("Pad", h, [x.Name, G.Ints($"{h}/pads", pads)]);
            }
            case Cropping2D c:
            {
                int row = c.DataFormat == "channels_first" ? 2 : 1;
                static long End(int crop) => crop == 0 ? long.MaxValue : -crop;
                return G.Op("Slice", h, [x.Name, G.Ints($"{h}/starts", [c.Cropping.Height.Top, c.Cropping.Width.Left]),
                    G.Ints($"{h}/ends", [End(c.Cropping.Height.Bottom), End(c.Cropping.Width.Right)]), G.Ints($"{h}/axes", [row, row + 1])]);
            }
            case UpSampling1D u: return Repeat(x.Name, h, 3, (1, u.Size));
            case UpSampling3D u:
            {
                int first = u.DataFormat == "channels_first" ? 2 : 1;
                return Repeat(x.Name, h, 5, (first, u.Size.Depth), (first + 1, u.Size.Height), (first + 2, u.Size.Width));
            }
            case ZeroPadding1D z: return ZeroPad(x.Name, h, 3, (z.DataFormat == "channels_first" ? 2 : 1, z.Padding));
            case ZeroPadding3D z:
            {
                int first = z.DataFormat == "channels_first" ? 2 : 1;
                return ZeroPad(x.Name, h, 5, (first, z.Padding.Depth), (first + 1, z.Padding.Height), (first + 2, z.Padding.Width));
            }
            case Cropping1D c: return CropAxes(x.Name, h, (1, c.Cropping));
            case Cropping3D c:
            {
                int first = c.DataFormat == "channels_first" ? 2 : 1;
                return CropAxes(x.Name, h, (first, c.Cropping.Depth), (first + 1, c.Cropping.Height), (first + 2, c.Cropping.Width));
            }
            case TimeDistributed t: return Fold(t, x);
            default: return null;
        }
    }

    /// <summary>Nearest-neighbour upsampling by whole factors: output cell i of an axis reads input cell ⌊i / factor⌋.</summary>
    private string Repeat(string x, string h, int rank, params (int Axis, int Factor)[] axes)
    {
        var scales = Enumerable.Repeat(1f, rank).ToArray();
        foreach (var (axis, factor) in axes) scales[axis] = factor;
        return G.Op("Resize", h, [x, "", G.Floats($"{h}/scales", scales, rank)],
            ("mode", "nearest"), ("coordinate_transformation_mode", "asymmetric"), ("nearest_mode", "floor"));
    }

    /// <summary>Zeros before and after the given axes.</summary>
    private string ZeroPad(string x, string h, int rank, params (int Axis, (int Before, int After) Margin)[] axes)
    {
        var pads = new long[2 * rank];
        foreach (var (axis, (before, after)) in axes) { pads[axis] = before; pads[rank + axis] = after; }
        return G.Op("Pad", h, [x, G.Ints($"{h}/pads", pads)]);
    }

    /// <summary>The given axes cropped by their margins (an end margin of 0 keeps the axis to its end).</summary>
    private string CropAxes(string x, string h, params (int Axis, (int Before, int After) Margin)[] axes)
    {
        static long End(int crop) => crop == 0 ? long.MaxValue : -crop;
        return G.Op("Slice", h, [x, G.Ints($"{h}/starts", [.. axes.Select(a => (long)a.Margin.Before)]),
            G.Ints($"{h}/ends", [.. axes.Select(a => End(a.Margin.After))]), G.Ints($"{h}/axes", [.. axes.Select(a => (long)a.Axis)])]);
    }

    /// <summary>(N, T, …) folded to (N·T, …), the wrapped layer applied, and unfolded to (N, T, …).</summary>
    private string Fold(TimeDistributed t, Value x)
    {
        string h = t.Name;
        var folded = G.Op("Reshape", h, [x.Name, G.Op("Concat", h, [G.Ints($"{h}/minus_one", [-1]), ShapeOf(x.Name, h, 2)], ("axis", 0))]);
        var inner = EmitLayer(t.Layer, [new Value(folded, [null, .. x.Shape[2..]])], null);
        if (inner.Length != 1) throw Unsupported(t, "a wrapped layer with several outputs");
        var unfolded = G.Op("Concat", h, [ShapeOf(x.Name, h, 0, 2), ShapeOf(inner[0].Name, h, 1)], ("axis", 0));
        return G.Op("Reshape", h, [inner[0].Name, unfolded]);
    }
}
