namespace Graft.Autograd;

/// <summary>
/// Whether ops record a gradient graph on this thread. Inference runs under <see cref="NoGrad"/>,
/// like <c>torch.no_grad()</c>: nothing is recorded and nothing is kept alive for a backward pass.
/// </summary>
public static class GradMode
{
    [ThreadStatic] private static int t_disabled;

    /// <summary>True unless inside a <see cref="NoGrad"/> scope.</summary>
    public static bool IsEnabled => t_disabled == 0;

    /// <summary>Disables recording until the returned scope is disposed; scopes nest.</summary>
    public static IDisposable NoGrad() { t_disabled++; return new Scope(); }

    private sealed class Scope : IDisposable
    {
        private bool _done;
        public void Dispose() { if (_done) return; _done = true; t_disabled--; }
    }
}
