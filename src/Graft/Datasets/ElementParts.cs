using Graft.Tensors;

namespace Graft.Datasets;

/// <summary>Splits an element of tensors into its tensors and puts it back together, for elements of 1 to 3 tensors.</summary>
internal static class ElementParts<T>
{
    /// <summary>The element's tensors in order, or null when T is not a tensor or a tuple of 2 or 3 tensors.</summary>
    public static readonly Func<T, Tensor[]>? Decompose = typeof(T) switch
    {
        var t when t == typeof(Tensor) => e => [(Tensor)(object)e!],
        var t when t == typeof((Tensor, Tensor)) => e => { var (a, b) = ((Tensor, Tensor))(object)e!; return [a, b]; },
        var t when t == typeof((Tensor, Tensor, Tensor)) => e => { var (a, b, c) = ((Tensor, Tensor, Tensor))(object)e!; return [a, b, c]; },
        _ => null,
    };

    /// <summary>The element made of these tensors (the inverse of <see cref="Decompose"/>).</summary>
    public static readonly Func<Tensor[], T>? Compose = typeof(T) switch
    {
        var t when t == typeof(Tensor) => c => (T)(object)c[0],
        var t when t == typeof((Tensor, Tensor)) => c => (T)(object)(c[0], c[1]),
        var t when t == typeof((Tensor, Tensor, Tensor)) => c => (T)(object)(c[0], c[1], c[2]),
        _ => null,
    };
}
