using Graft.Tensors;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Graft;

/// <summary>
/// Graft's configuration and mutable state in one object, instead of process-wide statics: the
/// random stream, Keras's automatic layer names, the number of kernel threads, the pool of tensor
/// buffers, and where warnings and progress go. <see cref="Default"/> serves the whole process;
/// a scope (<see cref="Use"/>) gives one model, test or request its own.
/// </summary>
/// <remarks>
/// <para><b>Which context applies.</b> Everything that needs a context reads <see cref="Current"/>:
/// the context of the innermost <see cref="Use"/> scope open on this thread or async flow, else
/// <see cref="Default"/>. A scope flows into the tasks and awaits started inside it, not into threads
/// or tasks started before it, so two tests or two server requests that each open a scope on a
/// context of their own get their own seed and layer names without disturbing each other:</para>
/// <code>
/// using (new GraftContext(seed: 42).Use())
/// {
///     var model = new Sequential([new Dense(10)]); // "dense", whatever other scopes created
///     model.Fit(x, y);                             // the same numbers on every run
/// }
/// </code>
/// <para>Without a scope everything uses <see cref="Default"/>, and the one-line forms act on the
/// whole process as in Keras: <c>GraftContext.Current.SetSeed(42)</c> is
/// <c>keras.utils.set_random_seed(42)</c>, <c>GraftContext.Current.Threads = 4</c> is TensorFlow's
/// <c>tf.config.threading.set_intra_op_parallelism_threads(4)</c>, and
/// <c>GraftContext.Current.ClearSession()</c> is <c>keras.backend.clear_session()</c>.</para>
/// <para><b>What a new context owns and what it shares.</b> State that decides results is each
/// context's own: the random stream and the name counters. Settings follow the context that was
/// current when the new one was created, until they are set on it: <see cref="Threads"/>,
/// <see cref="LoggerFactory"/>, <see cref="ProgressWriter"/>, and the buffer pool (buffers are
/// interchangeable memory; sharing them is what makes pooling pay across requests).</para>
/// <para><b>Threads.</b> A context may be used from several threads, but its random stream repeats
/// only when one thread at a time draws from it: give each model that trains concurrently a context
/// of its own. The kernels' worker threads run each part of a job in the context of the thread that
/// started the job.</para>
/// </remarks>
public sealed class GraftContext
{
    private static readonly AsyncLocal<GraftContext?> s_current = new();

    // A kernel worker thread's context: a plain thread-static, because workers run outside any
    // async flow and switch context with every job (cheaper than an execution-context write).
    [ThreadStatic] private static GraftContext? t_worker;

    private readonly GraftContext? _parent;
    private volatile Generator _generator;
    private readonly Dictionary<string, int> _nameCounts = [];
    private readonly Lock _namesLock = new();
    private int _threads;
    private ILoggerFactory? _loggerFactory;
    private TextWriter? _progressWriter;
    private volatile bool _progressWriterSet;
    private readonly BufferPool? _bufferPool;
    private IProcessGroup? _processGroup;
    private volatile bool _processGroupSet;

    /// <summary>
    /// Creates a context with its own random stream, starting from <paramref name="seed"/> (null: an
    /// unpredictable seed), and its own layer-name counters. Its settings follow
    /// <see cref="Current"/> until set. It takes effect inside <see cref="Use"/>.
    /// </summary>
    public GraftContext(long? seed = null) : this(Current, seed) { }

    private GraftContext(GraftContext? parent, long? seed)
    {
        _parent = parent;
        _generator = new Generator(seed ?? System.Random.Shared.NextInt64());
    }

    /// <summary>
    /// The context of the whole process, used where no scope is open: an unpredictable seed, one
    /// kernel thread per core, no logging, no progress output.
    /// </summary>
    public static GraftContext Default { get; } = new(null, null)
    {
        _threads = Environment.ProcessorCount,
        _loggerFactory = NullLoggerFactory.Instance,
        _progressWriterSet = true,
        BufferPool = new BufferPool(),
    };

    /// <summary>The context in effect here: the innermost open <see cref="Use"/> scope's, else <see cref="Default"/>.</summary>
    public static GraftContext Current => t_worker ?? s_current.Value ?? Default;

    /// <summary>
    /// Makes this context <see cref="Current"/> on this thread or async flow until the returned scope
    /// is disposed. Scopes nest; dispose each on the flow that opened it, innermost first.
    /// </summary>
    /// <returns>The scope; disposing it restores the context that was current before.</returns>
    public IDisposable Use()
    {
        var previous = s_current.Value;
        s_current.Value = this;
        return new Scope(this, previous);
    }

    /// <summary>
    /// The random stream that weight initialization, dropout and shuffling draw from when they are
    /// not given a generator; <see cref="SetSeed"/> replaces it.
    /// </summary>
    public Generator Generator => _generator;

    /// <summary>
    /// Restarts this context's random stream from <paramref name="seed"/>, like Keras's
    /// <c>keras.utils.set_random_seed(seed)</c>: afterwards weight initialization, dropout and
    /// shuffling repeat exactly. <c>GraftContext.Current.SetSeed(42);</c>
    /// </summary>
    public void SetSeed(long seed) => _generator = new Generator(seed);

    /// <summary>
    /// Threads a kernel may use, the caller included (default: one per core, from
    /// <see cref="Environment.ProcessorCount"/>), like TensorFlow's
    /// <c>tf.config.threading.set_intra_op_parallelism_threads</c>. Results do not depend on it:
    /// the kernels split sums by problem size, never by thread count.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to zero or less.</exception>
    public int Threads
    {
        get => Volatile.Read(ref _threads) is > 0 and var n ? n : _parent!.Threads;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            Volatile.Write(ref _threads, value);
        }
    }

    /// <summary>
    /// The factory Graft's loggers come from (categories <c>Graft.Saving</c> and <c>Graft.Training</c>):
    /// warnings such as a model that loaded but could not be compiled, weights skipped on load, or a
    /// <c>Trainable</c> flag changed after <c>Compile</c>. <see cref="NullLoggerFactory"/> in
    /// <see cref="Default"/>; setting null sets <see cref="NullLoggerFactory"/>.
    /// </summary>
    public ILoggerFactory LoggerFactory
    {
        get => Volatile.Read(ref _loggerFactory) ?? _parent!.LoggerFactory;
        set => Volatile.Write(ref _loggerFactory, value ?? NullLoggerFactory.Instance);
    }

    /// <summary>
    /// The writer that receives training progress: <c>Fit</c>'s display when <c>verbose</c> is 1 or
    /// 2, and the lines callbacks print when their own <c>verbose</c> is set. Null writes nothing
    /// (the default of <see cref="Default"/>). <c>Fit</c> reads it once, when it starts. Set it to
    /// <see cref="Console.Out"/> for Keras's behaviour; on a terminal, verbose 1 then redraws its
    /// progress bar in place.
    /// </summary>
    public TextWriter? ProgressWriter
    {
        get => _progressWriterSet ? Volatile.Read(ref _progressWriter) : _parent!.ProgressWriter;
        set
        {
            Volatile.Write(ref _progressWriter, value);
            _progressWriterSet = true;
        }
    }

    /// <summary>
    /// The processes that train together (<c>Graft.Distributed</c>'s <c>DataParallel</c>, which
    /// <c>Distribution.Set</c> puts here), or null to train alone (the default). With a group,
    /// <c>Fit</c>, <c>Evaluate</c> and <c>Predict</c> split each batch between the ranks. Follows the
    /// context that was current when this one was created until set; setting null turns it off here.
    /// </summary>
    public IProcessGroup? ProcessGroup
    {
        get => _processGroupSet ? Volatile.Read(ref _processGroup) : _parent?.ProcessGroup;
        set
        {
            Volatile.Write(ref _processGroup, value);
            _processGroupSet = true;
        }
    }

    /// <summary>
    /// Forgets the automatic layer names handed out in this context, like Keras's
    /// <c>keras.backend.clear_session()</c>: the next <c>Dense</c> is <c>dense</c> again.
    /// </summary>
    public void ClearSession()
    {
        lock (_namesLock) _nameCounts.Clear();
    }

    /// <summary>
    /// Where pooled tensor buffers come from and go back to: the parent's unless one is given
    /// (tests give one to count its misses alone).
    /// </summary>
    internal BufferPool BufferPool
    {
        get => _bufferPool ?? _parent!.BufferPool;
        init => _bufferPool = value;
    }

    /// <summary>A unique name for a new layer of this base name: <c>dense</c>, <c>dense_1</c>, …</summary>
    internal string UniqueName(string baseName)
    {
        lock (_namesLock)
        {
            _nameCounts.TryGetValue(baseName, out int n);
            _nameCounts[baseName] = n + 1;
            return n == 0 ? baseName : $"{baseName}_{n}";
        }
    }

    /// <summary>Marks <paramref name="baseName"/> with suffix <paramref name="n"/> (0: none) as taken.</summary>
    internal void ReserveName(string baseName, int n)
    {
        lock (_namesLock)
            if (_nameCounts.GetValueOrDefault(baseName) <= n) _nameCounts[baseName] = n + 1;
    }

    /// <summary>
    /// Makes <paramref name="context"/> current on this thread for good: a kernel worker thread, which
    /// runs outside any async flow, takes the context of the job it runs.
    /// </summary>
    internal static void SetOnWorkerThread(GraftContext context)
    {
        t_worker = context;
    }

    private sealed class Scope(GraftContext context, GraftContext? previous) : IDisposable
    {
        private bool _disposed;

        public void Dispose()
        {
            if (_disposed) return;
            if (!ReferenceEquals(s_current.Value, context))
                throw new InvalidOperationException(
                    "GraftContext.Use: expected to end the innermost scope on the thread or async flow that opened it, got another context current here. Dispose scopes innermost first, where they were opened.");
            s_current.Value = previous;
            _disposed = true;
        }
    }
}
