namespace Graft.Layers.Pooling;

/// <summary>Mean over height and width (Keras's <c>layers.GlobalAveragePooling2D</c>).</summary>
public sealed class GlobalAveragePooling2D(string dataFormat = "channels_last", bool keepdims = false, string? name = null) : GlobalPoolingBase(2, dataFormat, keepdims, name)
{
    private protected override bool IsMax => false;
}
