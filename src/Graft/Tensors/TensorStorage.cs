namespace Graft.Tensors;

/// <summary>
/// Where a tensor's elements live, and so which backend computes on them. Every tensor names its
/// device; an op's result lives on its operands' device, and operands on different devices are an
/// error (move one with <see cref="Tensor.To"/>). New tensors without an operand go to
/// <see cref="DefaultDevice.Current"/>.
/// </summary>
public enum Device
{
    /// <summary>Managed float32 memory, computed by the CPU backend (SIMD, packed GEMM).</summary>
    Cpu,

    /// <summary>
    /// The float64 reference: plain loops over double-precision values with no speed goals, the
    /// oracle other backends are checked against. Values pass in and out as float32.
    /// </summary>
    Reference,
}

/// <summary>
/// The elements behind a tensor, shared by every view of it (a reshape, a detached copy). Layers
/// and models never touch storage directly: ops ask the tensor's backend to compute, so a GPU
/// storage and backend can be added without changing them. Pooled storage is owned by the
/// <see cref="TensorScope"/> it was allocated in.
/// </summary>
internal abstract class TensorStorage
{
    private static long s_created;

    /// <summary>Creation order: storages made after <see cref="NextSequence"/> was read have a sequence at least that value.</summary>
    public long Sequence { get; } = Interlocked.Increment(ref s_created);

    /// <summary>The sequence the next storage will get at the earliest.</summary>
    public static long NextSequence => Interlocked.Read(ref s_created) + 1;

    public abstract Device Device { get; }
    public abstract int Length { get; }
    /// <summary>True once <see cref="Release"/> gave the memory back.</summary>
    public abstract bool IsReleased { get; }
    /// <summary>True when the memory came from a pool, so the current <see cref="TensorScope"/> owns it.</summary>
    public virtual bool IsPooled => false;
    /// <summary>Gives the memory back (to a pool) when the owning scope ends.</summary>
    public abstract void Release();

    private int _version;

    /// <summary>
    /// Counts the in-place writes of these elements that change a tensor which outlives a call (a
    /// weight): <see cref="Tensor.Assign"/> and the optimizers' updates. What is derived from a
    /// weight and kept (the folded convolution weights of inference) is keyed by it. Code that writes
    /// such a tensor in place by any other route calls <see cref="MarkWritten"/>.
    /// </summary>
    public int Version => Volatile.Read(ref _version);

    /// <summary>Records an in-place write (see <see cref="Version"/>).</summary>
    public void MarkWritten() => Interlocked.Increment(ref _version);
}

/// <summary>A managed float array, exactly as long as the tensor, possibly rented from <see cref="BufferPool"/>.</summary>
internal sealed class CpuStorage : TensorStorage
{
    private float[]? _data;
    private readonly int _length;
    private readonly bool _pooled;

    private CpuStorage(float[] data, bool pooled) { _data = data; _length = data.Length; _pooled = pooled; }

    public static CpuStorage Wrap(float[] data) => new(data, false);

    public static CpuStorage Allocate(int length, bool zero)
    {
        if (TensorScope.Current is null || length < BufferPool.MinPooledLength) return new(new float[length], false);
        var data = BufferPool.Current.Rent(length);
        if (zero) Array.Clear(data);
        return new(data, true);
    }

    public override Device Device => Device.Cpu;
    public override int Length => _length;
    public override bool IsReleased => _data is null;
    public override bool IsPooled => _pooled;

    public float[] Data => _data ?? throw new ObjectDisposedException("Tensor",
        "Tensor: expected a live tensor, got one whose memory went back to the pool when its TensorScope ended. Call scope.Keep(tensor) inside the scope (a copy made there is pooled too).");

    /// <summary>Idempotent: the memory goes back to the pool at most once.</summary>
    public override void Release()
    {
        if (_pooled && _data is { } d) BufferPool.Current.Return(d);
        _data = null;
    }
}
