namespace Graft.Layers.Recurrent;

/// <summary>
/// A scope in which stateful recurrent layers neither read nor keep states: for calls that only
/// probe a model (the trainer runs one sample to learn output shapes), which must not replace the
/// states a stateful layer carries between real batches.
/// </summary>
internal static class StateProbe
{
    [ThreadStatic] private static int t_depth;

    /// <summary>True inside a <see cref="Begin"/> scope on this thread.</summary>
    public static bool Active => t_depth > 0;

    /// <summary>Starts a probe scope; dispose to end it.</summary>
    public static IDisposable Begin()
    {
        t_depth++;
        return new End();
    }

    private sealed class End : IDisposable
    {
        private bool _done;
        public void Dispose() { if (!_done) { _done = true; t_depth--; } }
    }
}
