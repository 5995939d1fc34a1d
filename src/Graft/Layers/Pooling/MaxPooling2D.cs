namespace Graft.Layers.Pooling;

/// <summary>Max over 2-D windows (Keras's <c>layers.MaxPooling2D</c>).</summary>
public sealed class MaxPooling2D(IntTuple? poolSize = null, IntTuple? strides = null, string padding = "valid", string dataFormat = "channels_last", int[]? inputShape = null, string? name = null)
    : PoolingBase(2, poolSize ?? 2, strides, padding, dataFormat, inputShape, name)
{
    private protected override bool IsMax => true;
}
