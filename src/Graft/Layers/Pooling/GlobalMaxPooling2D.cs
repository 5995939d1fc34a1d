namespace Graft.Layers.Pooling;

/// <summary>Max over height and width (Keras's <c>layers.GlobalMaxPooling2D</c>).</summary>
public sealed class GlobalMaxPooling2D(string dataFormat = "channels_last", bool keepdims = false, string? name = null) : GlobalPoolingBase(2, dataFormat, keepdims, name)
{
    private protected override bool IsMax => true;
}
