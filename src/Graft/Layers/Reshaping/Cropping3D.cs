using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Layers.Reshaping;

/// <summary>Removes cells at the borders of volumes (Keras's <c>layers.Cropping3D</c>): (batch, depth, height, width, channels).</summary>
public sealed class Cropping3D : Layer
{
    /// <param name="cropping">Cells to cut: one integer for every side, (depth, height, width), or ((front, back), (top, bottom), (left, right)); default 1.</param>
    /// <param name="dataFormat">"channels_last" or "channels_first".</param>
    /// <param name="name">Layer name.</param>
    public Cropping3D(Margins3D? cropping = null, string dataFormat = "channels_last", string? name = null) : base(name)
    {
        Cropping = cropping ?? 1;
        if (Cropping.PerAxis.Any(p => p.Before < 0 || p.After < 0)) throw new ArgumentOutOfRangeException(nameof(cropping), $"Cropping3D: expected non-negative cropping, got {Cropping}.");
        DataFormat = dataFormat is "channels_last" or "channels_first" ? dataFormat : throw new ArgumentException($"Cropping3D: expected data_format channels_last or channels_first, got '{dataFormat}'.");
    }

    /// <summary>((front, back), (top, bottom), (left, right)).</summary>
    public Margins3D Cropping { get; }
    /// <summary>"channels_last" or "channels_first".</summary>
    public string DataFormat { get; }
    private int First => DataFormat == "channels_first" ? 2 : 1;

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor x, bool training)
    {
        if (x.Rank != 5) throw new ArgumentException($"{Describe()}: expected input of rank 5, got shape {x.Shape}.");
        var starts = new int[5];
        var sizes = x.Shape.ToArray();
        for (int i = 0; i < 3; i++)
        {
            var (before, after) = Cropping.PerAxis[i];
            starts[First + i] = before;
            sizes[First + i] -= before + after;
            if (sizes[First + i] <= 0) throw new ArgumentException($"{Describe()}: expected volumes larger than the cropping {Cropping}, got shape {x.Shape}.");
        }
        return Ops.Slice(x, starts, sizes, [1, 1, 1, 1, 1]);
    }

    /// <inheritdoc/>
    public override int?[] ComputeOutputShape(int?[] s)
    {
        ShapeRules.Rank(this, s, 5);
        var r = (int?[])s.Clone();
        for (int i = 0; i < 3; i++)
            r[First + i] = ShapeRules.Dim(this, s[First + i] - ((long)Cropping.PerAxis[i].Before + Cropping.PerAxis[i].After), s, $"cropping {Cropping}");
        return r;
    }
}
