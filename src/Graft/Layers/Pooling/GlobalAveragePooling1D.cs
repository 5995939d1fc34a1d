namespace Graft.Layers.Pooling;

/// <summary>Mean over steps (Keras's <c>layers.GlobalAveragePooling1D</c>).</summary>
public sealed class GlobalAveragePooling1D(string dataFormat = "channels_last", bool keepdims = false, string? name = null) : GlobalPoolingBase(1, dataFormat, keepdims, name)
{
    private protected override bool IsMax => false;
}
