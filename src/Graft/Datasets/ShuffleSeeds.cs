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

    /// <summary>The seed of the next pass.</summary>
    public long Next()
    {
        if (!reshuffleEachIteration) return _fixed;
        lock (_seeds) return (long)_seeds.NextUInt64();
    }
}
