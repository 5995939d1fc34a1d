namespace Graft.Distributed;

/// <summary>
/// Turns data parallelism on and off (Keras's <c>keras.distribution.set_distribution</c> and
/// <c>distribution()</c>): <c>Distribution.Set(DataParallel.FromMpi())</c> at the start of the program
/// makes every later <c>Fit</c>, <c>Evaluate</c> and <c>Predict</c> data-parallel.
/// </summary>
public static class Distribution
{
    /// <summary>
    /// Makes <paramref name="distribution"/> the process group of <see cref="GraftContext.Current"/> (the
    /// whole process outside any <see cref="GraftContext.Use"/> scope, and the contexts created from it
    /// later); null trains alone again.
    /// </summary>
    /// <param name="distribution">A <see cref="DataParallel"/>, or null.</param>
    public static void Set(IProcessGroup? distribution) => GraftContext.Current.ProcessGroup = distribution;

    /// <summary>The process group in effect in <see cref="GraftContext.Current"/>, or null when training alone.</summary>
    public static IProcessGroup? Current => GraftContext.Current.ProcessGroup;
}
