namespace Graft.Tests.Testing;

/// <summary>
/// Ranks of a data-parallel job as threads of this process, for tests without mpirun: each
/// collective operation is an exchange through shared slots, summed in rank order in float64 as
/// <see cref="IProcessGroup"/> requires. Operations complete synchronously.
/// </summary>
internal sealed class ThreadProcessGroup : IProcessGroup
{
    private readonly World _world;

    private ThreadProcessGroup(World world, int rank) { _world = world; Rank = rank; }

    public int Rank { get; }
    public int WorldSize => _world.Size;

    /// <summary>Called on each sum before it starts (tests look at the state of training then).</summary>
    public Action? OnSum { get; set; }

    /// <summary>The lengths of the sums this rank took part in, in order.</summary>
    public List<int> Sums { get; } = [];

    /// <summary>
    /// Runs <paramref name="body"/> once per rank, each on its own thread in its own context (seeded
    /// alike) with its rank's group set, and returns what each rank returned.
    /// </summary>
    public static T[] Run<T>(int ranks, long seed, Func<ThreadProcessGroup, T> body)
    {
        var world = new World(ranks);
        var results = new T[ranks];
        var errors = new Exception?[ranks];
        var threads = Enumerable.Range(0, ranks).Select(r => new Thread(() =>
        {
            try
            {
                using var scope = new GraftContext(seed).Use();
                var group = new ThreadProcessGroup(world, r);
                GraftContext.Current.ProcessGroup = group;
                results[r] = body(group);
            }
            catch (Exception e)
            {
                errors[r] = e;
                world.Barrier.Dispose();
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        if (errors.FirstOrDefault(e => e is not null and not ObjectDisposedException) is { } error) throw new AggregateException(error);
        return results;
    }

    public Task AllreduceSumAsync(Memory<float> values)
    {
        OnSum?.Invoke();
        Sums.Add(values.Length);
        var all = _world.Exchange(Rank, values.ToArray());
        var span = values.Span;
        for (int i = 0; i < span.Length; i++)
        {
            double sum = 0;
            foreach (float[] part in all) sum += part[i];
            span[i] = (float)sum;
        }
        return Task.CompletedTask;
    }

    public void Broadcast(Span<float> values, int root) => ((float[])_world.Exchange(Rank, values.ToArray())[root]).CopyTo(values);

    public float[][] Allgather(ReadOnlySpan<float> local) => [.. _world.Exchange(Rank, local.ToArray()).Cast<float[]>()];

    public double[][] Allgather(ReadOnlySpan<double> local) => [.. _world.Exchange(Rank, local.ToArray()).Cast<double[]>()];

    public void Abort(Exception error) => throw new InvalidOperationException($"rank {Rank} aborted the job", error);

    private sealed class World(int size)
    {
        private readonly object[] _slots = new object[size];
        public int Size => size;
        public Barrier Barrier { get; } = new(size);

        public object[] Exchange(int rank, object value)
        {
            _slots[rank] = value;
            Barrier.SignalAndWait();
            var all = (object[])_slots.Clone();
            Barrier.SignalAndWait();
            return all;
        }
    }
}
