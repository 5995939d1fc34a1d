using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Layers.Pooling;

/// <summary>Shared settings of the 1-D, 2-D and 3-D max and average pooling layers.</summary>
public abstract class PoolingBase : Layer
{
    private protected PoolingBase(int rank, IntTuple poolSize, IntTuple? strides, string padding, string dataFormat, int[]? inputShape, string? name) : base(name, inputShape)
    {
        Rank = rank;
        PoolSize = poolSize.PerAxis(rank, 2, GetType().Name, "pool_size");
        // Keras's default stride is the window.
        Strides = strides is { Count: > 0 } s ? s.PerAxis(rank, 1, GetType().Name, "strides") : (int[])PoolSize.Clone();
        if (PoolSize.Concat(Strides).Any(v => v <= 0)) throw new ArgumentOutOfRangeException(nameof(poolSize), $"{GetType().Name}: expected pool size and strides >= 1, got {Shape.Format(PoolSize)} and {Shape.Format(Strides)}.");
        Padding = padding.ToLowerInvariant() is "valid" or "same" ? padding.ToLowerInvariant() : throw new ArgumentException($"{GetType().Name}: expected padding 'valid' or 'same', got '{padding}'.");
        DataFormat = dataFormat is "channels_last" or "channels_first" ? dataFormat : throw new ArgumentException($"{GetType().Name}: expected data_format channels_last or channels_first, got '{dataFormat}'.");
    }

    /// <summary>Spatial rank.</summary>
    public int Rank { get; }
    /// <summary>Window.</summary>
    public int[] PoolSize { get; }
    /// <summary>Step (defaults to the window).</summary>
    public int[] Strides { get; }
    /// <summary>"valid" or "same".</summary>
    public string Padding { get; }
    /// <summary>"channels_last" or "channels_first".</summary>
    public string DataFormat { get; }

    private protected abstract bool IsMax { get; }
    private bool ChannelsFirst => DataFormat == "channels_first";

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor x, bool training)
    {
        if (x.Rank != Rank + 2) throw new ArgumentException($"{Describe()}: expected input of rank {Rank + 2}, got shape {x.Shape}.");
        // Channels first: move the channels last, pool, and move them back.
        if (ChannelsFirst) x = Ops.Permute(x, [0, .. Enumerable.Range(2, Rank), 1]);
        Tensor y = Rank switch
        {
            3 => IsMax ? Ops.MaxPool3D(x, (PoolSize[0], PoolSize[1], PoolSize[2]), (Strides[0], Strides[1], Strides[2]), Padding)
                       : Ops.AvgPool3D(x, (PoolSize[0], PoolSize[1], PoolSize[2]), (Strides[0], Strides[1], Strides[2]), Padding),
            2 => IsMax ? Ops.MaxPool2D(x, (PoolSize[0], PoolSize[1]), (Strides[0], Strides[1]), Padding) : Ops.AvgPool2D(x, (PoolSize[0], PoolSize[1]), (Strides[0], Strides[1]), Padding),
            _ => IsMax ? Ops.MaxPool1D(x, PoolSize[0], Strides[0], Padding) : Ops.AvgPool1D(x, PoolSize[0], Strides[0], Padding),
        };
        if (ChannelsFirst) y = Ops.Permute(y, [0, Rank + 1, .. Enumerable.Range(1, Rank)]);
        return y;
    }

    private int? Out(int? n, int axis)
    {
        if (n is not int len) return null;
        if (Padding == "valid" && len < PoolSize[axis])
            throw new ArgumentException($"{Describe()}: expected spatial size >= {PoolSize[axis]} (the pool size) with padding 'valid', got {len}.");
        if (Padding == "same" && PoolSize[axis] > Ops.MaxPaddedSpan(len))
            throw new ArgumentException($"{Describe()}: expected a pool of at most {Ops.MaxPaddedSpan(len)} cells for size {len} with padding 'same', got {PoolSize[axis]}.");
        return (int)(Padding == "same" ? (len + Strides[axis] - 1L) / Strides[axis] : (len - (long)PoolSize[axis]) / Strides[axis] + 1);
    }

    /// <inheritdoc/>
    public override int?[] ComputeOutputShape(int?[] s)
    {
        ShapeRules.Rank(this, s, Rank + 2);
        var r = (int?[])s.Clone();
        int first = ChannelsFirst ? 2 : 1;
        for (int i = 0; i < Rank; i++) r[first + i] = Out(s[first + i], i);
        return r;
    }
}
