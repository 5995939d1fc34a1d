using Graft.Autograd;
using Graft.Tensors.Backends;

namespace Graft.Tensors;

/// <summary>
/// An n-dimensional array of float32 values in row-major order, with reverse-mode automatic
/// differentiation. The counterpart of a NumPy array / <c>keras.Variable</c> / <c>torch.Tensor</c>.
/// </summary>
/// <remarks>
/// Tensors are immutable in value from the user's side (ops return new tensors), except the
/// few in-place updates that optimizers perform on weights. A tensor that
/// <see cref="RequiresGrad"/> records the op that made it, so <see cref="Backward"/> can
/// propagate gradients to the leaves (weights) that need them; tensors that need no gradient
/// (data, frozen weights) record nothing and cost no backward work.
/// </remarks>
public sealed partial class Tensor
{
    private TensorStorage _storage;
    private bool _requiresGrad;

    internal Tensor(Shape shape, TensorStorage storage)
    {
        Shape = shape;
        _storage = storage;
    }

    /// <summary>The dimensions, outermost first.</summary>
    public Shape Shape { get; }

    /// <summary>Number of dimensions.</summary>
    public int Rank => Shape.Rank;

    /// <summary>Number of elements (known even after a <see cref="TensorScope"/> released the memory).</summary>
    public int Size => _storage.Length;

    /// <summary>Where the elements live.</summary>
    public Device Device => _storage.Device;

    internal TensorStorage Storage => _storage;

    internal IBackend Backend => Backends.Backend.For(_storage.Device);

    /// <summary>
    /// The elements of a CPU tensor, exactly <see cref="Size"/> long: for <c>Tensors/</c> alone (the
    /// CPU backend and the host side of creation). Code above reads values through
    /// <see cref="ToArray"/>, <see cref="CopyTo"/> or <see cref="Item"/>, which work on any device.
    /// </summary>
    internal float[] Data => _storage is CpuStorage cpu ? cpu.Data
        : throw new InvalidOperationException($"Tensor.Data: expected a tensor on {Device.Cpu}, got one on {Device}. Read it with ToArray or CopyTo.");

    internal Span<float> Span => Data;

    /// <summary>
    /// Whether gradients flow to this tensor. Set it on leaves (weights); results of ops get it
    /// from their inputs. Setting it on an op result throws.
    /// </summary>
    public bool RequiresGrad
    {
        get => _requiresGrad;
        set
        {
            if (Node is not null && !value)
                throw new InvalidOperationException("Tensor.RequiresGrad: expected a leaf tensor, got the result of an op. Use Detach() to stop gradients.");
            _requiresGrad = value;
        }
    }

    /// <summary>The accumulated gradient of the last <see cref="Backward"/> calls, or null.</summary>
    public Tensor? Grad { get; internal set; }

    /// <summary>
    /// Which steps of a sequence are real (1) and which are padding (0), shape (batch, steps): Keras's
    /// <c>_keras_mask</c>. Set by <c>Embedding(maskZero: true)</c> and <c>Masking</c>, carried by the
    /// layers that support masks, consumed by recurrent layers and <c>GlobalAveragePooling1D</c>.
    /// </summary>
    public Tensor? Mask { get; internal set; }

    /// <summary>The op that produced this tensor, when it is part of a gradient graph.</summary>
    internal GradNode? Node { get; set; }

    /// <summary>True when no op produced this tensor (data or a weight).</summary>
    public bool IsLeaf => Node is null;

    /// <summary>
    /// Creates an uninitialised (or zeroed) tensor on <paramref name="device"/>, pooled when a
    /// <see cref="TensorScope"/> is open. The device is always named: an op passes its operand's,
    /// a creation function <see cref="DefaultDevice.Current"/>.
    /// </summary>
    internal static Tensor Empty(Shape shape, bool zero, Device device)
    {
        var storage = Backends.Backend.For(device).Allocate(shape.Size, zero);
        // The scope owns the storage rather than the tensor, so views that share it live as long as it.
        if (storage.IsPooled) TensorScope.Current!.Register(storage);
        return new Tensor(shape, storage);
    }

    /// <summary>The one device an op's operands live on; <paramref name="op"/> names the op in the error.</summary>
    /// <exception cref="InvalidOperationException">They live on different devices.</exception>
    internal static Device SameDevice(string op, Tensor a, Tensor b)
    {
        if (a.Device != b.Device) throw DeviceMismatch(op, a, b);
        return a.Device;
    }

    /// <summary>The one device of the non-null operands (the default device when there are none).</summary>
    /// <exception cref="InvalidOperationException">They live on different devices.</exception>
    internal static Device SameDevice(string op, params ReadOnlySpan<Tensor?> tensors)
    {
        Tensor? first = null;
        foreach (var t in tensors)
        {
            if (t is null) continue;
            if (first is null) first = t;
            else if (t.Device != first.Device) throw DeviceMismatch(op, first, t);
        }
        return first?.Device ?? DefaultDevice.Current;
    }

    private static InvalidOperationException DeviceMismatch(string op, Tensor a, Tensor b) =>
        new($"{op}: expected operands on one device, got {a.Device} (shape {a.Shape}) and {b.Device} (shape {b.Shape}). Move one with Tensor.To({a.Device}) or Tensor.To({b.Device}).");

    /// <summary>
    /// This tensor on <paramref name="device"/>: itself when it is already there, else a copy through
    /// the host (like PyTorch's <c>tensor.to(device)</c>). The copy has no gradient link.
    /// </summary>
    public Tensor To(Device device)
    {
        if (device == Device) return this;
        var t = Empty(Shape, zero: false, device);
        t.Backend.Upload(ToArray(), t);
        return t;
    }

    /// <summary>A copy of the elements in row-major order, on the host (a device-to-host transfer).</summary>
    public float[] ToArray()
    {
        var a = new float[Size];
        Backend.Download(this, 0, a);
        return a;
    }

    /// <summary>
    /// Copies <paramref name="destination"/>.Length elements, from flat (row-major) index
    /// <paramref name="sourceIndex"/> on, to the host: reads a large tensor in pieces without a
    /// whole copy.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The range runs outside the tensor.</exception>
    public void CopyTo(int sourceIndex, Span<float> destination)
    {
        if (sourceIndex < 0 || sourceIndex > Size - destination.Length)
            throw new ArgumentOutOfRangeException(nameof(sourceIndex), $"Tensor.CopyTo: expected {destination.Length} elements from index {sourceIndex} to lie within the {Size} of shape {Shape}, got a range past the end.");
        Backend.Download(this, sourceIndex, destination);
    }

    /// <summary>One element by flat index, through the backend (any device).</summary>
    private float ElementAt(int index)
    {
        Span<float> one = stackalloc float[1];
        Backend.Download(this, index, one);
        return one[0];
    }

    /// <summary>The value of a one-element tensor.</summary>
    /// <exception cref="InvalidOperationException">The tensor has more than one element.</exception>
    public float Item()
    {
        if (Size != 1) throw new InvalidOperationException($"Tensor.Item: expected a tensor with one element, got shape {Shape}.");
        return ElementAt(0);
    }

    /// <summary>The element at the given full index (one integer per axis; negatives count from the end).</summary>
    public float GetValue(params int[] index)
    {
        if (index.Length != Rank)
            throw new ArgumentException($"Tensor.GetValue: expected {Rank} indices for shape {Shape}, got {index.Length}.");
        int offset = 0;
        var dims = Shape.Dims;
        for (int i = 0; i < index.Length; i++)
        {
            int ix = index[i] < 0 ? index[i] + dims[i] : index[i];
            if (ix < 0 || ix >= dims[i])
                throw new IndexOutOfRangeException($"Tensor.GetValue: expected index {i} in [{-dims[i]}, {dims[i] - 1}], got {index[i]} for shape {Shape}.");
            offset = offset * dims[i] + ix;
        }
        return ElementAt(offset);
    }

    /// <summary>A new tensor with the same values that is cut from the gradient graph. It shares this tensor's memory (keeping either in a <see cref="TensorScope"/> keeps both).</summary>
    public Tensor Detach() => new(Shape, _storage);

    /// <summary>A copy with its own memory (no gradient link).</summary>
    public Tensor Clone()
    {
        var t = Empty(Shape, zero: false, Device);
        Backend.Copy(this, t);
        return t;
    }

    /// <summary>Overwrites this tensor's values with <paramref name="source"/>'s (same shape). Not recorded for autograd.</summary>
    /// <exception cref="ArgumentException">The shapes differ.</exception>
    /// <remarks>A source on another device is copied through the host.</remarks>
    public void Assign(Tensor source)
    {
        if (source.Shape != Shape)
            throw new ArgumentException($"Tensor.Assign: expected shape {Shape}, got {source.Shape}.");
        if (source.Device == Device) Backend.Copy(source, this);
        else Backend.Upload(source.ToArray(), this);
        _storage.MarkWritten();
    }

    /// <summary>How many times the elements were overwritten in place (see <see cref="TensorStorage.Version"/>).</summary>
    internal int Version => _storage.Version;

    /// <summary>Records an in-place write other than <see cref="Assign"/> (an optimizer's update).</summary>
    internal void MarkWritten() => _storage.MarkWritten();

    /// <summary>Computes the gradient of this tensor (a scalar unless <paramref name="gradient"/> is given) with respect to every leaf that requires it.</summary>
    /// <param name="gradient">Seed gradient of this tensor's shape; defaults to 1 for a scalar.</param>
    /// <exception cref="InvalidOperationException">The tensor does not require grad, or is not a scalar and no seed is given.</exception>
    public void Backward(Tensor? gradient = null) => Autograd.Backward.Run(this, gradient);

    /// <summary>Short description: shape and, for small tensors, the values.</summary>
    public override string ToString()
    {
        if (_storage.IsReleased) return $"Tensor{Shape} (released when its TensorScope ended)";
        var data = Size <= 16 ? ToArray() : [ElementAt(0), ElementAt(1), ElementAt(Size - 1)];
        string vals = Size <= 16 ? "[" + string.Join(", ", data.Select(v => v.ToString("G6"))) + "]" : $"[{data[0]:G6}, {data[1]:G6}, ..., {data[2]:G6}]";
        return $"Tensor{Shape} {vals}";
    }
}
