using Graft.Tensors;

namespace Graft;

/// <summary>
/// Graft's process-wide settings and state in one object: the random stream that weight
/// initialization, dropout and shuffling draw from when they are not given a generator.
/// </summary>
public sealed class GraftContext
{
    private volatile Generator _generator;

    /// <summary>Creates a context whose random stream starts from <paramref name="seed"/> (null: an unpredictable seed).</summary>
    public GraftContext(long? seed = null) => _generator = new Generator(seed ?? System.Random.Shared.NextInt64());

    /// <summary>The context of the whole process.</summary>
    public static GraftContext Default { get; } = new();

    /// <summary>The context in effect: <see cref="Default"/>.</summary>
    public static GraftContext Current => Default;

    /// <summary>The generator used when an API is not given one; <see cref="SetSeed"/> replaces it.</summary>
    public Generator Generator => _generator;

    /// <summary>
    /// Restarts the random stream from <paramref name="seed"/>, like Keras's
    /// <c>keras.utils.set_random_seed(seed)</c>: afterwards weight initialization, dropout and
    /// shuffling repeat exactly on the same machine. <c>GraftContext.Current.SetSeed(42);</c>
    /// </summary>
    public void SetSeed(long seed) => _generator = new Generator(seed);
}
