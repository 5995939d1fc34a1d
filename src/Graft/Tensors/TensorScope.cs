namespace Graft.Tensors;

/// <summary>
/// A region whose temporary tensors give their memory back to a pool when it ends, so that a
/// training loop runs without churning the garbage collector. Tensors that must outlive the
/// scope are passed to <see cref="Keep"/>; touching any other tensor of the scope afterwards
/// throws <see cref="ObjectDisposedException"/> instead of reading recycled memory.
/// </summary>
/// <example><code>
/// using (var scope = TensorScope.Begin())
/// {
///     var loss = Step(x, y);
///     lossValue = loss.Item();
/// } // every intermediate of Step returns to the pool here
/// </code></example>
public sealed class TensorScope : IDisposable
{
    [ThreadStatic] private static TensorScope? t_current;
    private readonly TensorScope? _parent;
    private readonly List<Tensor> _owned = new(256);
    private readonly HashSet<Tensor> _kept = new(ReferenceEqualityComparer.Instance);
    private bool _disposed;

    private TensorScope() { _parent = t_current; t_current = this; }

    internal static TensorScope? Current => t_current;

    /// <summary>Starts a scope on this thread; scopes nest.</summary>
    public static TensorScope Begin() => new();

    /// <summary>Until disposed, tensors are allocated as if no scope were open (for state that must outlive it: weights, optimizer slots, results).</summary>
    public static IDisposable Suspend() => new Suspension();

    private sealed class Suspension : IDisposable
    {
        private readonly TensorScope? _saved = t_current;
        public Suspension() => t_current = null;
        public void Dispose() => t_current = _saved;
    }

    internal void Register(Tensor t) => _owned.Add(t);

    /// <summary>Keeps <paramref name="tensor"/> alive after the scope ends (it moves to the enclosing scope, if any).</summary>
    public Tensor Keep(Tensor tensor) { _kept.Add(tensor); return tensor; }

    /// <summary>Returns the memory of every tensor created in the scope and not kept.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        t_current = _parent;
        foreach (var t in _owned)
        {
            if (_kept.Contains(t)) { _parent?.Register(t); continue; }
            t.ReleaseStorage();
        }
        _owned.Clear();
    }
}
