using Graft.Layers;
using Graft.Tensors;

namespace Graft.Saving;

/// <summary>
/// Bounds the weights a model built from a file's config may create by the values the file stores
/// (twice them, plus 2^20), checked before each weight is allocated: a config that claims a 10^9-unit Dense in a 3 MB file
/// fails at once, naming the layer, instead of allocating gigabytes and then failing to match the
/// stored weights. Active on the loading thread while a loader builds the model.
/// </summary>
internal sealed class WeightBudget : IDisposable
{
    [ThreadStatic] private static WeightBudget? t_current;

    private readonly WeightBudget? _outer;
    private readonly string _file;
    private readonly long _stored, _total;
    private long _used;

    private WeightBudget(string file, long stored)
    {
        _file = file;
        _stored = stored;
        // Slack, so that a config that differs from its weights only a little (a missing bias) reaches
        // the loader's precise message about that weight; absurd claims still fail here.
        _total = 2 * stored + (1 << 20);
        _outer = t_current;
        t_current = this;
    }

    /// <summary>Starts bounding weight creation on this thread by <paramref name="storedValues"/>, until disposed.</summary>
    public static WeightBudget Begin(string file, long storedValues) => new(file, storedValues);

    /// <inheritdoc/>
    public void Dispose() => t_current = _outer;

    /// <summary>
    /// Checks a weight about to be created: its shape must be allocatable and, while a file is being
    /// loaded, fit in what the file stores.
    /// </summary>
    /// <exception cref="ArgumentException">A dimension is negative, or the weight exceeds the largest array.</exception>
    /// <exception cref="ModelFormatException">While loading: the weights exceed the values the file stores.</exception>
    public static void Claim(Layer layer, string name, int[] shape)
    {
        long n = 1;
        foreach (int d in shape)
        {
            if (d < 0) throw new ArgumentException($"{Describe(layer)}: expected weight '{name}' to have dimensions >= 0, got shape {Shape.Format(shape)}.");
            n = Math.Min(n * d, long.MaxValue / int.MaxValue);   // saturates: the product only needs comparing with a bound
        }
        if (n > Array.MaxLength)
            throw t_current is { } b
                ? new ModelFormatException($"{b._file}: {Describe(layer)}: expected weights of about the {b._stored} values the file stores, got weight '{name}' of shape {Shape.Format(shape)}: the config disagrees with the stored weights.")
                : new ArgumentException($"{Describe(layer)}: expected weight '{name}' of at most {Array.MaxLength} values, got shape {Shape.Format(shape)}.");
        if (t_current is not { } budget) return;
        if (budget._used + n > budget._total)
            throw new ModelFormatException($"{budget._file}: {Describe(layer)}: expected weights of about the {budget._stored} values the file stores, "
                + $"got weight '{name}' of shape {Shape.Format(shape)} ({n} values) after {budget._used} values for earlier weights: the config disagrees with the stored weights.");
        budget._used += n;
    }

    private static string Describe(Layer layer) => $"{layer.ClassName} '{layer.Name}'";
}
