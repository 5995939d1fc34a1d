using Graft.Tensors;

namespace Graft;

/// <summary>
/// The global random state, like <c>keras.utils.set_random_seed</c>: after <see cref="SetSeed"/>,
/// weight initialization, dropout and shuffling repeat exactly on the same machine.
/// </summary>
public static class Random
{
    private static Generator s_global = new(Environment.TickCount64);

    /// <summary>The generator used when an API is not given one.</summary>
    public static Generator Global => s_global;

    /// <summary>Reseeds the global generator.</summary>
    public static void SetSeed(long seed) => s_global = new Generator(seed);
}
