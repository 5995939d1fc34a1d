using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Layers.Pooling;

/// <summary>Mean or max over all spatial positions: (N, …, C) → (N, C), or keeping the axes as 1.</summary>
public abstract class GlobalPoolingBase : Layer
{
    private protected GlobalPoolingBase(int rank, string dataFormat, bool keepdims, string? name) : base(name)
    {
        Rank = rank;
        DataFormat = dataFormat is "channels_last" or "channels_first" ? dataFormat : throw new ArgumentException($"{GetType().Name}: expected data_format channels_last or channels_first, got '{dataFormat}'.");
        Keepdims = keepdims;
    }

    /// <summary>Spatial rank.</summary>
    public int Rank { get; }
    /// <summary>"channels_last" or "channels_first".</summary>
    public string DataFormat { get; }
    /// <summary>Keep the pooled axes as size 1.</summary>
    public bool Keepdims { get; }
    private protected abstract bool IsMax { get; }
    private int[] Axes => DataFormat == "channels_last" ? Enumerable.Range(1, Rank).ToArray() : Enumerable.Range(2, Rank).ToArray();

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor x, bool training)
    {
        if (x.Rank != Rank + 2) throw new ArgumentException($"{Describe()}: expected input of rank {Rank + 2}, got shape {x.Shape}.");
        return IsMax ? Ops.Max(x, Axes, Keepdims) : Ops.Mean(x, Axes, Keepdims);
    }

    /// <inheritdoc/>
    public override int?[] ComputeOutputShape(int?[] s)
    {
        ShapeRules.Rank(this, s, Rank + 2);
        return Keepdims ? s.Select((d, i) => Axes.Contains(i) ? 1 : d).ToArray() : s.Where((_, i) => !Axes.Contains(i)).ToArray();
    }
}
