using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Layers.Reshaping;

/// <summary>Repeats planes, rows and columns of volumes (Keras's <c>layers.UpSampling3D</c>): (batch, depth, height, width, channels).</summary>
public sealed class UpSampling3D : Layer
{
    /// <param name="size">Factors: one for every axis, or (depth, height, width); default 2.</param>
    /// <param name="dataFormat">"channels_last" or "channels_first".</param>
    /// <param name="name">Layer name.</param>
    public UpSampling3D(IntTuple? size = null, string dataFormat = "channels_last", string? name = null) : base(name)
    {
        var f = (size ?? 2).PerAxis(3, 2, "UpSampling3D", "size");
        if (f.Any(v => v <= 0)) throw new ArgumentOutOfRangeException(nameof(size), $"UpSampling3D: expected factors >= 1, got {Shape.Format(f)}.");
        Size = (f[0], f[1], f[2]);
        DataFormat = dataFormat is "channels_last" or "channels_first" ? dataFormat : throw new ArgumentException($"UpSampling3D: expected data_format channels_last or channels_first, got '{dataFormat}'.");
    }

    /// <summary>(depth, height, width) factors.</summary>
    public (int Depth, int Height, int Width) Size { get; }
    /// <summary>"channels_last" or "channels_first".</summary>
    public string DataFormat { get; }
    private int First => DataFormat == "channels_first" ? 2 : 1;
    private int[] Factors => [Size.Depth, Size.Height, Size.Width];

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor x, bool training)
    {
        if (x.Rank != 5) throw new ArgumentException($"{Describe()}: expected input of rank 5, got shape {x.Shape}.");
        for (int i = 0; i < 3; i++)
        {
            int axis = First + i, f = Factors[i];
            x = Ops.Gather(x, Enumerable.Range(0, x.Shape[axis] * f).Select(j => j / f).ToArray(), axis);
        }
        return x;
    }

    /// <inheritdoc/>
    public override int?[] ComputeOutputShape(int?[] s)
    {
        ShapeRules.Rank(this, s, 5);
        var r = (int?[])s.Clone();
        for (int i = 0; i < 3; i++) r[First + i] = ShapeRules.Dim(this, (long?)s[First + i] * Factors[i], s, $"size {Size}");
        return r;
    }
}
