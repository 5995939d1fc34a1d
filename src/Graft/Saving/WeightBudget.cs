using Graft.Layers;
using Graft.Tensors;

namespace Graft.Saving;

/// <summary>
/// Bounds the weights a model built from a file's config may create by the values the file stores
/// (twice them, plus 2^20), checked before each weight is allocated: a config that claims a 10^9-unit Dense in a 3 MB file
/// fails at once, naming the layer, instead of allocating gigabytes and then failing to match the
/// stored weights. Active on the loading thread while a loader builds the model, as a limit on
/// <see cref="WeightCreation"/> (layers check their weights without knowing of files).
/// </summary>
internal sealed class WeightBudget : IDisposable
{
    private readonly IDisposable _limit;
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
        _limit = WeightCreation.Limit(Claim);
    }

    /// <summary>Starts bounding weight creation on this thread by <paramref name="storedValues"/>, until disposed.</summary>
    public static WeightBudget Begin(string file, long storedValues) => new(file, storedValues);

    /// <inheritdoc/>
    public void Dispose() => _limit.Dispose();

    /// <exception cref="ModelFormatException">The weights exceed the values the file stores.</exception>
    private void Claim(Layer layer, string name, int[] shape, long n)
    {
        if (_used + n > _total)
            throw new ModelFormatException($"{_file}: {layer.ClassName} '{layer.Name}': expected weights of about the {_stored} values the file stores, "
                + $"got weight '{name}' of shape {Shape.Format(shape)} ({n} values) after {_used} values for earlier weights: the config disagrees with the stored weights.");
        _used += n;
    }
}
