namespace Graft.Layers;

/// <summary>
/// How a constructor parameter of a layer appears in Keras's config when its snake_case name is not
/// the whole story: another key, older keys still read from files (aliases), or what a file that
/// lacks the key meant. See <c>README.md</c>, "Adding a layer".
/// </summary>
/// <param name="key">The config key; null keeps the parameter's snake_case name (<c>useBias</c> → <c>use_bias</c>).</param>
/// <param name="aliases">Older keys for the same option, read when <paramref name="key"/> is absent (LeakyReLU's <c>alpha</c>).</param>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class KerasConfigAttribute(string? key = null, params string[] aliases) : Attribute
{
    /// <summary>The config key, or null for the parameter's snake_case name.</summary>
    public string? Key { get; } = key;

    /// <summary>Older keys read when the key is absent, first found first.</summary>
    public string[] Aliases { get; } = aliases;

    /// <summary>
    /// The value a config without the key (or its aliases) meant, when files of an older Keras
    /// differ from today's default (GRU's <c>reset_after</c> was false before Keras 2.3); null uses the
    /// parameter's default.
    /// </summary>
    public object? IfAbsent { get; init; }

    /// <summary>The property that holds the option's value, when it is not the parameter's PascalCase name.</summary>
    public string? Property { get; init; }

    /// <summary>Read from older files only, never written (Keras 2's Embedding <c>input_length</c>); needs no property.</summary>
    public bool ReadOnly { get; init; }
}
