namespace Graft.Layers.Pooling;

/// <summary>Mean over 2-D windows, padding excluded (Keras's <c>layers.AveragePooling2D</c>).</summary>
public sealed class AveragePooling2D(IntTuple? poolSize = null, IntTuple? strides = null, string padding = "valid", string dataFormat = "channels_last", int[]? inputShape = null, string? name = null)
    : PoolingBase(2, poolSize ?? 2, strides, padding, dataFormat, inputShape, name)
{
    private protected override bool IsMax => false;
}
