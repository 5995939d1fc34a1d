using Graft.Tensors;

namespace Graft.Datasets;

/// <summary>
/// The seeds of a shuffle's passes: drawn from one generator, so that the n-th pass has the same
/// order in every run with the same seed, and two shuffles sharing it order equally many elements alike.
/// </summary>
internal sealed class ShuffleSeeds(long seed, bool reshuffleEachIteration)
{
    private readonly Generator _seeds = new(seed);
    private readonly long _fixed = (long)new Generator(seed).NextUInt64();
    private readonly Stack<long> _returned = new();
    private long? _last;

    /// <summary>The seed of the next pass: one <see cref="Rewind"/> gave back, else a new one.</summary>
    public long Next()
    {
        if (!reshuffleEachIteration) return _fixed;
        lock (_seeds)
        {
            _last = _returned.TryPop(out long s) ? s : (long)_seeds.NextUInt64();
            return _last.Value;
        }
    }

    /// <summary>
    /// Gives the last pass's seed to the next pass, as if the last pass had not started: Fit looks at a
    /// first batch before training, and when it then trains on other data (a frozen base's outputs,
    /// shuffled with these seeds), its first epoch must have the order it would have had without.
    /// </summary>
    public void Rewind()
    {
        if (!reshuffleEachIteration) return;
        lock (_seeds)
            if (_last is long last) { _returned.Push(last); _last = null; }
    }
}
