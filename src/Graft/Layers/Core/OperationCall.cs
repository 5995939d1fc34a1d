using System.Text.Json.Nodes;
using Graft.Tensors;

namespace Graft.Layers.Core;

/// <summary>
/// The arguments of one call of an <see cref="OperationLayer"/>: positional and keyword arguments,
/// each a tensor (from the graph), a list of tensors, or a constant (a number, a list of integers, a
/// flag). An argument is found by its position or by any of its names, since Keras 2 and Keras 3 name
/// them differently (<c>x</c> / <c>input_tensor</c>, <c>axes</c> / <c>perm</c>).
/// </summary>
public sealed class OperationCall
{
    private readonly List<object?> _positional;
    private readonly Dictionary<string, object?> _keywords;

    internal OperationCall(string function, List<object?> positional, Dictionary<string, object?> keywords)
    {
        Function = function; _positional = positional; _keywords = keywords;
    }

    /// <summary>The operation's name (Keras 3's, <c>add</c>, <c>mean</c>, …).</summary>
    public string Function { get; }

    private bool TryGet(int position, string[] names, out object? value)
    {
        foreach (var n in names)
            if (_keywords.TryGetValue(n, out value)) return true;
        if (position >= 0 && position < _positional.Count) { value = _positional[position]; return true; }
        value = null;
        return false;
    }

    /// <summary>Whether the argument is a tensor (not a constant).</summary>
    public bool IsTensor(int position, params string[] names) => TryGet(position, names, out var v) && v is Tensor;

    /// <summary>Whether the argument is given (and not null).</summary>
    public bool Has(int position, params string[] names) => TryGet(position, names, out var v) && v is not null;

    private object Required(int position, string[] names) => TryGet(position, names, out var v) && v is not null ? v
        : throw new ArgumentException($"Operation '{Function}': expected argument {position} ({string.Join(" / ", names)}), got none.");

    /// <summary>
    /// The argument as a tensor: a tensor as given, a number as a scalar and a list of numbers as a
    /// vector (on the default device; see <see cref="TensorLike"/>).
    /// </summary>
    public Tensor Tensor(int position, params string[] names) => TensorLike(null, position, names);

    /// <summary>The argument as a tensor, a constant placed on <paramref name="like"/>'s device.</summary>
    public Tensor TensorLike(Tensor? like, int position, params string[] names) => Required(position, names) switch
    {
        Tensor t => t,
        JsonValue v => global::Graft.Tensors.Tensor.Scalar((float)v.GetValue<double>(), like?.Device ?? DefaultDevice.Current),
        JsonArray a => global::Graft.Tensors.Tensor.FromArray(a.Select(x => (float)x!.GetValue<double>()).ToArray(), [a.Count], like?.Device ?? DefaultDevice.Current),
        var other => throw new ArgumentException($"Operation '{Function}': expected argument {position} ({string.Join(" / ", names)}) to be a tensor or a number, got {other}."),
    };

    /// <summary>The argument as a list of tensors (<c>concatenate</c>'s inputs).</summary>
    public IReadOnlyList<Tensor> Tensors(int position, params string[] names) => Required(position, names) switch
    {
        IReadOnlyList<Tensor> list => list,
        Tensor t => [t],
        var other => throw new ArgumentException($"Operation '{Function}': expected argument {position} ({string.Join(" / ", names)}) to be a list of tensors, got {other}."),
    };

    /// <summary>The argument as a number.</summary>
    public double Number(int position, params string[] names) => Required(position, names) is JsonValue v ? v.GetValue<double>()
        : throw new ArgumentException($"Operation '{Function}': expected argument {position} ({string.Join(" / ", names)}) to be a number.");

    /// <summary>The argument as integers (a single integer gives one), or null when absent or null.</summary>
    public int[]? Ints(int position, params string[] names) => !TryGet(position, names, out var v) || v is null ? null : v switch
    {
        JsonArray a => a.Select(x => x is null ? -1 : (int)x.GetValue<double>()).ToArray(),
        JsonValue one => [(int)one.GetValue<double>()],
        _ => throw new ArgumentException($"Operation '{Function}': expected argument {position} ({string.Join(" / ", names)}) to be integers, got {v}."),
    };

    /// <summary>The argument as a flag, or <paramref name="otherwise"/> when absent.</summary>
    public bool Flag(int position, bool otherwise, params string[] names) => TryGet(position, names, out var v) && v is JsonValue b ? b.GetValue<bool>() : otherwise;
}
