namespace Graft.Layers.Pooling;

/// <summary>Mean over windows of steps (Keras's <c>layers.AveragePooling1D</c>).</summary>
public sealed class AveragePooling1D(int poolSize = 2, int? strides = null, string padding = "valid", string dataFormat = "channels_last", int[]? inputShape = null, string? name = null)
    : PoolingBase(1, poolSize, strides is int step ? step : null, padding, dataFormat, inputShape, name)
{
    private protected override bool IsMax => false;
}
