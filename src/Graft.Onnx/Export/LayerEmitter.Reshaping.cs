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
            case TimeDistributed t: return Fold(t, x);
            default: return null;
        }
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
