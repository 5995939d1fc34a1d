namespace Graft.Tensors;

/// <summary>
/// A region whose temporary tensors give their memory back to a pool when it ends, so that a
/// training loop runs without churning the garbage collector. Tensors that must outlive the
/// scope are passed to <see cref="Keep"/>; touching any other tensor of the scope afterwards
/// throws <see cref="ObjectDisposedException"/> instead of reading recycled memory.
/// </summary>
/// <remarks>
/// The scope owns memory, not tensor objects: a reshaped view or a detached tensor shares the
/// memory of the tensor it came from, so keeping any one of them keeps the memory, and with it
/// every tensor that shares it. Memory goes back to the pool only when no kept tensor uses it.
/// </remarks>
/// <example><code>
/// using (var scope = TensorScope.Begin())
/// {
///     var loss = Step(x, y);
///     lossValue = loss.Item();
///     output = scope.Keep(model.Call(x));   // survives the scope, views included
/// } // every intermediate of Step returns to the pool here
/// </code></example>
public sealed class TensorScope : IDisposable
{
    [ThreadStatic] private static TensorScope? t_current;
    private readonly TensorScope? _parent;
    private readonly List<TensorStorage> _owned = new(256);
    private readonly HashSet<TensorStorage> _kept = new(ReferenceEqualityComparer.Instance);
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

    /// <summary>How many storages this scope has taken ownership of so far: a mark for <see cref="OwnedSince"/>.</summary>
    internal int OwnedCount => _owned.Count;

    /// <summary>The storages this scope took ownership of after <paramref name="mark"/> was read from <see cref="OwnedCount"/>.</summary>
    internal IEnumerable<TensorStorage> OwnedSince(int mark)
    {
        for (int i = mark; i < _owned.Count; i++) yield return _owned[i];
    }

    /// <summary>Takes ownership of pooled memory allocated while this scope is the current one.</summary>
    internal void Register(TensorStorage storage) => _owned.Add(storage);

    /// <summary>
    /// Keeps the memory of <paramref name="tensor"/> alive after the scope ends, for it and every
    /// tensor sharing that memory (views such as <c>Reshape</c> and <c>Detach</c> results). The
    /// memory moves to the enclosing scope, if any, which must keep it again to let it outlive that one.
    /// </summary>
    /// <returns><paramref name="tensor"/>, for chaining.</returns>
    /// <exception cref="InvalidOperationException">The scope has already ended.</exception>
    public Tensor Keep(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (_disposed)
            throw new InvalidOperationException("TensorScope.Keep: expected a scope that has not ended, got one already disposed. Keep tensors inside the scope's using block.");
        _kept.Add(tensor.Storage);
        return tensor;
    }

    /// <summary>Returns to the pool the memory allocated in the scope that no kept tensor uses.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        t_current = _parent;
        foreach (var s in _owned)
        {
            if (_kept.Count > 0 && _kept.Contains(s)) { _parent?.Register(s); continue; }
            s.Release();
        }
        _owned.Clear();
        _kept.Clear();
    }
}
