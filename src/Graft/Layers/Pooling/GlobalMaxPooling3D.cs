namespace Graft.Layers.Pooling;

/// <summary>The max over depth, height and width (Keras's <c>layers.GlobalMaxPooling3D</c>): (N, D, H, W, C) → (N, C).</summary>
/// <param name="dataFormat">"channels_last" or "channels_first".</param>
/// <param name="keepdims">Keep the pooled axes as size 1.</param>
/// <param name="name">Layer name.</param>
public sealed class GlobalMaxPooling3D(string dataFormat = "channels_last", bool keepdims = false, string? name = null) : GlobalPoolingBase(3, dataFormat, keepdims, name)
{
    private protected override bool IsMax => true;
}
