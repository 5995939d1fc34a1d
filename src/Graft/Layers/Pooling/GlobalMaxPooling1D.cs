namespace Graft.Layers.Pooling;

/// <summary>Max over steps (Keras's <c>layers.GlobalMaxPooling1D</c>).</summary>
public sealed class GlobalMaxPooling1D(string dataFormat = "channels_last", bool keepdims = false, string? name = null) : GlobalPoolingBase(1, dataFormat, keepdims, name)
{
    private protected override bool IsMax => true;
}
