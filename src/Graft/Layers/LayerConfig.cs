using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Graft.Activations;
using Graft.Config;
using Graft.Constraints;
using Graft.Initializers;
using Graft.Regularizers;

namespace Graft.Layers;

/// <summary>
/// A layer's Keras config, derived from its one declaration: the public constructor with the most
/// parameters. Each parameter is an option, with a config key (its snake_case name, or what a
/// <see cref="KerasConfigAttribute"/> says) and a property of its PascalCase name (public or not) that holds its value.
/// From that follow <see cref="Layer.GetConfig"/> (<see cref="Write"/>), building a layer from a
/// config (<see cref="Read"/>, which the registry calls) and cloning (<see cref="Clone"/>).
/// </summary>
/// <remarks>
/// <c>name</c> and <c>inputShape</c> are the base layer's (<c>name</c>, <c>batch_input_shape</c>).
/// Values take Keras's JSON forms by type: numbers, booleans, strings, integer lists, pairs of
/// numbers, value types with their own forms (<see cref="IKerasConfigValue{TSelf}"/>: <see cref="IntTuple"/>,
/// <see cref="Margins2D"/>, augmentation factors), activations by name, initializers /
/// regularizers / constraints as serialized objects, and nested layers.
/// </remarks>
internal static class LayerConfig
{
    internal enum Kind { Option, Name, InputShape }

    internal sealed record Option(ParameterInfo Parameter, Kind Kind, string Key, string[] Aliases, PropertyInfo? Property, bool Nullable, KerasConfigAttribute? Attribute);

    /// <summary>
    /// A layer type's constructor and options; <c>Missing</c> names the first option without a
    /// readable property of its name, if any (such a layer's config is written by hand).
    /// </summary>
    internal sealed record Declaration(Type Type, ConstructorInfo Constructor, Option[] Options, string? Missing);

    private static readonly ConcurrentDictionary<Type, Declaration?> s_declarations = new();

    /// <summary>The declaration of <paramref name="type"/>, or null when it has no public constructor.</summary>
    public static Declaration? For(Type type) => s_declarations.GetOrAdd(type, Declare);

    private static Declaration? Declare(Type type)
    {
        var ctor = type.IsAbstract ? null : type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).FirstOrDefault();
        if (ctor is null) return null;
        var nullability = new NullabilityInfoContext();
        var options = ctor.GetParameters().Select(p =>
        {
            var attr = p.GetCustomAttribute<KerasConfigAttribute>();
            var kind = p.Name switch { "name" when p.ParameterType == typeof(string) => Kind.Name, "inputShape" when p.ParameterType == typeof(int[]) => Kind.InputShape, _ => Kind.Option };
            var property = kind == Kind.Option ? type.GetProperty(attr?.Property ?? char.ToUpperInvariant(p.Name![0]) + p.Name[1..], BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance) : null;
            bool nullable = Nullable.GetUnderlyingType(p.ParameterType) is not null || (!p.ParameterType.IsValueType && nullability.Create(p).WriteState != NullabilityState.NotNull);
            return new Option(p, kind, attr?.Key ?? SnakeCase(p.Name!), attr?.Aliases ?? [], property is { CanRead: true } ? property : null, nullable, attr);
        }).ToArray();
        string? missing = options.FirstOrDefault(o => o.Kind == Kind.Option && o.Property is null && o.Attribute?.ReadOnly != true)?.Parameter.Name;
        return new Declaration(type, ctor, options, missing);
    }

    /// <summary><c>useBias</c> → <c>use_bias</c>.</summary>
    internal static string SnakeCase(string name) =>
        string.Concat(name.Select((c, i) => char.IsUpper(c) ? (i > 0 ? "_" : "") + char.ToLowerInvariant(c) : c.ToString()));

    /// <summary>Adds the declared options of <paramref name="layer"/> to its config, when every option has its property.</summary>
    public static void Write(Layer layer, JsonObject config)
    {
        if (For(layer.GetType()) is not { Missing: null } d) return;
        foreach (var o in d.Options)
            if (o.Kind == Kind.Option && o.Attribute?.ReadOnly != true)
                config[o.Key] = ToJson(o.Property!.GetValue(layer));
    }

    /// <summary>
    /// Builds a layer of <paramref name="type"/> from its Keras config (keys in today's names:
    /// older ones are mapped before). Nested layers are read by <paramref name="readLayer"/> (the registry).
    /// </summary>
    /// <exception cref="FormatException">A key is missing or has a value of the wrong form; the message names the layer and the key.</exception>
    /// <exception cref="ArgumentException">The layer rejected a value (its message names it).</exception>
    /// <exception cref="NotSupportedException">A recognised option Graft does not support.</exception>
    public static Layer Read(Type type, JsonObject config, Func<JsonObject, string, Layer> readLayer)
    {
        string subject = $"{type.Name} '{(config["name"] is JsonValue n && n.TryGetValue<string>(out var s) ? s : "?")}'";
        var d = For(type) ?? throw new ArgumentException($"{subject}: expected a layer class with a public constructor, got {type}.");
        if (typeof(IKerasConfigForms).IsAssignableFrom(type))
            config = (JsonObject)s_adapt.MakeGenericMethod(type).Invoke(null, BindingFlags.DoNotWrapExceptions, null, [config, subject], null)!;
        var args = d.Options.Select(o => o.Kind switch
        {
            Kind.Name => config["name"] is { } name ? Convert(name, typeof(string), subject, "name") : null,
            Kind.InputShape => InputShape(config, subject),
            _ => ReadOption(o, config, subject, readLayer),
        }).ToArray();
        var layer = (Layer)d.Constructor.Invoke(BindingFlags.DoNotWrapExceptions, null, args, null);
        if (config["trainable"] is { } t) layer.Trainable = (bool)Convert(t, typeof(bool), subject, "trainable")!;
        // Keras's base layer takes activity_regularizer for every layer, so it is read here, once.
        if (config["activity_regularizer"] is { } ar) layer.ActivityRegularizer = (Regularizer)Convert(ar, typeof(Regularizer), subject, "activity_regularizer")!;
        return layer;
    }

    private static readonly MethodInfo s_adapt = typeof(LayerConfig).GetMethod(nameof(Adapt), BindingFlags.NonPublic | BindingFlags.Static)!;

    private static JsonObject Adapt<T>(JsonObject config, string subject) where T : IKerasConfigForms => T.Adapt(config, subject);

    private static object? ReadOption(Option o, JsonObject config, string subject, Func<JsonObject, string, Layer> readLayer)
    {
        bool present = false;
        foreach (var key in (string[])[o.Key, .. o.Aliases])
        {
            if (!config.TryGetPropertyValue(key, out var node)) continue;
            present = true;
            if (node is null) continue;
            var type = Nullable.GetUnderlyingType(o.Parameter.ParameterType) ?? o.Parameter.ParameterType;
            if (type.IsArray && typeof(Layer).IsAssignableFrom(type.GetElementType()))
            {
                // A list of layers (StackedRNNCells's cells), each serialized.
                var entries = node as JsonArray ?? throw new FormatException($"{subject}: expected '{key}' to be a list of serialized layers, got {node.ToJsonString()}.");
                var list = Array.CreateInstance(type.GetElementType()!, entries.Count);
                for (int i = 0; i < entries.Count; i++)
                {
                    var item = readLayer(entries[i] as JsonObject ?? throw new FormatException($"{subject}: expected '{key}[{i}]' to be a serialized layer, got {entries[i]?.ToJsonString() ?? "null"}."), subject);
                    list.SetValue(type.GetElementType()!.IsInstanceOfType(item) ? item
                        : throw new FormatException($"{subject}: expected '{key}[{i}]' to be a {type.GetElementType()!.Name} layer, got class '{item.ClassName}'."), i);
                }
                return list;
            }
            if (!typeof(Layer).IsAssignableFrom(type)) return Convert(node, type, subject, key);
            var inner = readLayer(node as JsonObject ?? throw new FormatException($"{subject}: expected '{key}' to be a serialized layer, got {node.ToJsonString()}."), subject);
            return type.IsInstanceOfType(inner) ? inner
                : throw new FormatException($"{subject}: expected '{key}' to be a {type.Name} layer, got class '{inner.ClassName}'.");
        }
        if (present && o.Nullable) return null;
        if (!present && o.Attribute?.IfAbsent is { } then) return then;
        if (o.Parameter.HasDefaultValue) return o.Parameter.DefaultValue;
        throw new FormatException($"{subject}: expected config key '{o.Key}', got none.");
    }

    /// <summary>The per-sample input shape of a config: Keras 2's <c>batch_input_shape</c>, Keras 3's <c>batch_shape</c>, without the batch axis.</summary>
    internal static int[]? InputShape(JsonObject config, string subject)
    {
        foreach (var key in new[] { "batch_input_shape", "batch_shape" })
            if (config[key] is { } node)
            {
                var shape = (int[])Convert(node, typeof(int[]), subject, key)!;
                return shape.Length >= 2 ? shape[1..]
                    : throw new FormatException($"{subject}: expected '{key}' to be a batch axis and at least one more, got {node.ToJsonString()}.");
            }
        return null;
    }

    /// <summary>A JSON value as <paramref name="type"/>, in Keras's forms.</summary>
    /// <exception cref="FormatException">The value has another form; the message names <paramref name="subject"/> and <paramref name="key"/>.</exception>
    internal static object? Convert(JsonNode node, Type type, string subject, string key)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        try
        {
            if (type == typeof(int)) return node is JsonArray { Count: 1 } one ? KerasJson.ToInt(one[0]!) : KerasJson.ToInt(node);
            if (type == typeof(long)) return KerasJson.ToLong(node);
            if (type == typeof(float)) return (float)KerasJson.Num(node);
            if (type == typeof(double)) return KerasJson.Num(node);
            if (type == typeof(bool)) return node.GetValue<bool>();
            if (type == typeof(string)) return node.GetValue<string>();
            if (type == typeof(int[])) return Ints(node);
            if (type == typeof(JsonObject)) return (node as JsonObject ?? throw new FormatException()).DeepClone();
            if (type.IsAssignableTo(typeof(IKerasConfigValue))) return ValueForms(type).FromJson(node);
            if (type == typeof(ValueTuple<double, double>)) return node is JsonArray { Count: 2 } a ? (KerasJson.Num(a[0]!), KerasJson.Num(a[1]!)) : throw new FormatException();
            if (type == typeof(Initializer)) return Initializer.Deserialize(node);
            if (type == typeof(Regularizer)) return Regularizer.Deserialize(node);
            if (type == typeof(Constraint)) return Constraint.Deserialize(node);
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException or ArgumentException)
        {
            throw new FormatException($"{subject}: expected '{key}' to be {Describe(type)}, got {node.ToJsonString()}.", e);
        }
        throw new NotSupportedException($"{subject}: option '{key}' has type {type.Name}, which has no Keras config form; declare it as a number, string, list or weight option.");
    }

    private static string Describe(Type type) =>
        type == typeof(int) || type == typeof(long) ? "an integer" : type == typeof(float) || type == typeof(double) ? "a number"
        : type == typeof(bool) ? "true or false" : type == typeof(string) ? "a string"
        : type == typeof(int[]) ? "an integer or a list of integers"
        : type == typeof(ValueTuple<double, double>) ? "a list of two numbers"
        : type.IsAssignableTo(typeof(IKerasConfigValue)) ? ValueForms(type).Expected
        : "a serialized " + type.Name.ToLowerInvariant();

    private static readonly ConcurrentDictionary<Type, (Func<JsonNode, object> FromJson, string Expected)> s_valueForms = new();

    // The static members of IKerasConfigValue<T>, reached through a generic method per type.
    private static (Func<JsonNode, object> FromJson, string Expected) ValueForms(Type type) => s_valueForms.GetOrAdd(type, t =>
        ((Func<JsonNode, object>, string))typeof(LayerConfig).GetMethod(nameof(FormsOf), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(t).Invoke(null, null)!);

    private static (Func<JsonNode, object>, string) FormsOf<T>() where T : IKerasConfigValue<T> => (node => T.FromJson(node), T.Expected);

    // Keras writes None for a dimension of any size; Graft's shapes say -1.
    private static int[] Ints(JsonNode node) => node switch
    {
        JsonArray a => a.Select(x => x is null ? -1 : KerasJson.ToInt(x)).ToArray(),
        JsonValue v => [KerasJson.ToInt(v)],
        _ => throw new FormatException(),
    };

    /// <summary>An option's value in Keras's JSON form.</summary>
    internal static JsonNode? ToJson(object? value) => value switch
    {
        null => null,
        bool or int or long or float or double or string => JsonValue.Create(value),
        int[] a => new JsonArray(a.Select(x => (JsonNode)x).ToArray()),
        IKerasConfigValue v => v.ToJson(),
        ITuple t => new JsonArray(Enumerable.Range(0, t.Length).Select(i => ToJson(t[i])).ToArray()),
        ActivationFunction f => f.Name,
        Initializer i => i.Serialize(),
        Regularizer r => r.Serialize(),
        Constraint c => c.Serialize(),
        Layer l => KerasJson.Wrap("keras.layers", l.ClassName, l.GetConfig()),
        IEnumerable<Layer> layers => new JsonArray(layers.Select(ToJson).ToArray()),
        JsonNode n => n.DeepClone(),
        _ => throw new InvalidOperationException($"Layer config: a value of type {value.GetType().Name} has no Keras config form."),
    };

    /// <summary>
    /// A new layer with the same declared options, name and trainable flag as <paramref name="layer"/>,
    /// and fresh weights (Keras's <c>clone_model</c> for one layer). Nested layers are cloned too;
    /// initializers, regularizers and constraints, which never change, are shared.
    /// </summary>
    /// <exception cref="NotSupportedException">The layer's constructor has a parameter with no property of its name.</exception>
    /// <param name="layer">The layer to copy.</param>
    /// <param name="with">Parameters to give other values, by constructor parameter name (<c>goBackwards</c>, <c>name</c>).</param>
    public static Layer Clone(Layer layer, Dictionary<string, object?>? with = null)
    {
        var d = For(layer.GetType());
        if (d is not { Missing: null })
            throw new NotSupportedException($"{layer.Describe()}: expected a layer whose constructor parameters each have a property of the same name, got "
                + (d is null ? "no public constructor" : $"parameter '{d.Missing}' without one") + "; such a layer cannot be cloned.");
        string subject = layer.Describe();
        var args = d.Options.Select(o => with is not null && with.TryGetValue(o.Parameter.Name!, out var given) ? given : o.Kind switch
        {
            Kind.Name => layer.Name,
            Kind.InputShape => layer.DeclaredInputShape,
            _ when o.Attribute?.ReadOnly == true => o.Parameter.HasDefaultValue ? o.Parameter.DefaultValue : null,
            _ => CloneValue(o.Property!.GetValue(layer), o.Parameter.ParameterType, subject, o.Key),
        }).ToArray();
        var copy = (Layer)d.Constructor.Invoke(BindingFlags.DoNotWrapExceptions, null, args, null);
        copy.Trainable = layer.Trainable;
        copy.ActivityRegularizer = layer.ActivityRegularizer;
        copy.RegisteredClassName = layer.RegisteredClassName;
        return copy;
    }

    private static object? CloneValue(object? value, Type type, string subject, string key) => value switch
    {
        null => null,
        Layer l => l.CloneLayer(),
        IEnumerable<Layer> layers when type.IsArray => CloneLayers(layers, type.GetElementType()!),
        int[] a when type == typeof(int[]) => a.Clone(),
        _ when type.IsInstanceOfType(value) => value,
        // The property holds the option in another type than the parameter takes (an activation's
        // function for its name, float for double, int[] for an IntTuple): Keras's form joins them.
        _ => Convert(ToJson(value)!, type, subject, key),
    };

    private static Array CloneLayers(IEnumerable<Layer> layers, Type elementType)
    {
        var copies = layers.Select(l => l.CloneLayer()).ToArray();
        var result = Array.CreateInstance(elementType, copies.Length);
        Array.Copy(copies, result, copies.Length);
        return result;
    }
}
