using Graft.Tensors;

namespace Graft.Layers;

/// <summary>
/// Checks every weight a layer is about to create, before any memory is allocated: its shape must be
/// allocatable, and whoever is building layers on this thread may add a limit of its own. The model
/// loaders use that to bound a file's config by the weights the file stores (a config claiming a
/// 10^9-unit Dense in a 3 MB file fails at once, naming the layer). The limit is installed from above
/// (<see cref="Limit"/>), so layers know nothing of files.
/// </summary>
internal static class WeightCreation
{
    // Per thread and per build: a loader's limit covers the layers it builds, not another thread's.
    [ThreadStatic] private static Action<Layer, string, int[], long>? t_limit;

    /// <summary>
    /// Applies <paramref name="check"/> (layer, weight name, shape, value count) to every weight created on
    /// this thread until the result is disposed; limits nest, the innermost checking first.
    /// </summary>
    public static IDisposable Limit(Action<Layer, string, int[], long> check)
    {
        var outer = t_limit;
        t_limit = outer is null ? check : (l, n, s, c) => { check(l, n, s, c); outer(l, n, s, c); };
        return new Restore(outer);
    }

    /// <summary>Checks a weight about to be created.</summary>
    /// <exception cref="ArgumentException">A dimension is negative, or the weight exceeds the largest array.</exception>
    public static void Check(Layer layer, string name, int[] shape)
    {
        long n = 1;
        foreach (int d in shape)
        {
            if (d < 0) throw new ArgumentException($"{Describe(layer)}: expected weight '{name}' to have dimensions >= 0, got shape {Shape.Format(shape)}.");
            n = Math.Min(n * d, long.MaxValue / int.MaxValue);   // saturates: the product only needs comparing with a bound
        }
        t_limit?.Invoke(layer, name, shape, n);
        if (n > Array.MaxLength)
            throw new ArgumentException($"{Describe(layer)}: expected weight '{name}' of at most {Array.MaxLength} values, got shape {Shape.Format(shape)}.");
    }

    private static string Describe(Layer layer) => $"{layer.ClassName} '{layer.Name}'";

    private sealed class Restore(Action<Layer, string, int[], long>? outer) : IDisposable
    {
        public void Dispose() => t_limit = outer;
    }
}
