namespace Graft.Layers.Pooling;

/// <summary>Max over windows of steps (Keras's <c>layers.MaxPooling1D</c>).</summary>
public sealed class MaxPooling1D(int poolSize = 2, int? strides = null, string padding = "valid", string dataFormat = "channels_last", int[]? inputShape = null, string? name = null)
    : PoolingBase(1, poolSize, strides is int step ? step : null, padding, dataFormat, inputShape, name)
{
    private protected override bool IsMax => true;
}
