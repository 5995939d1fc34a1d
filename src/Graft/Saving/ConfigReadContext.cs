using System.Text.Json.Nodes;

namespace Graft.Saving;

/// <summary>
/// What a model config's meaning depends on besides its own text, passed explicitly through every
/// call that reads one (model, nested models, layers): today the Keras version that wrote it, since
/// Keras 1 and 2 meant something else by <c>hard_sigmoid</c>.
/// </summary>
/// <param name="KerasVersion">The writing Keras's version (<c>"2.3.1"</c>), or null for today's meanings (Keras 3, and Graft's own configs).</param>
internal sealed record ConfigReadContext(string? KerasVersion)
{
    /// <summary>Today's meanings: Keras 3's configs and those Graft writes (<c>Clone</c>, <c>FromJson</c> without a version).</summary>
    public static ConfigReadContext Current { get; } = new((string?)null);

    /// <summary>The context for <paramref name="root"/>: <paramref name="kerasVersion"/> when the file gave one, else the document's own <c>keras_version</c>.</summary>
    public static ConfigReadContext For(JsonObject root, string? kerasVersion) =>
        new(kerasVersion ?? (root["keras_version"] is JsonValue kv && kv.TryGetValue<string>(out var v) ? v : null));
}
