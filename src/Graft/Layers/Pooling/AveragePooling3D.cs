namespace Graft.Layers.Pooling;

/// <summary>The mean over 3-D windows of (batch, depth, height, width, channels) volumes (Keras's <c>layers.AveragePooling3D</c>).</summary>
/// <param name="poolSize">Window: one size for every axis or three; default 2.</param>
/// <param name="strides">Steps; default the window.</param>
/// <param name="padding">"valid" or "same".</param>
/// <param name="dataFormat">"channels_last" or "channels_first".</param>
/// <param name="inputShape">Shape of one sample; builds at once.</param>
/// <param name="name">Layer name.</param>
public sealed class AveragePooling3D(IntTuple? poolSize = null, IntTuple? strides = null, string padding = "valid", string dataFormat = "channels_last", int[]? inputShape = null, string? name = null)
    : PoolingBase(3, poolSize ?? 2, strides, padding, dataFormat, inputShape, name)
{
    private protected override bool IsMax => false;
}
