using Graft.Layers;
using Graft.Tensors;

namespace Graft.Models;

/// <summary>
/// Gives the memory of an intermediate tensor back to the pool during the forward pass, as soon as
/// its last reader has run, when the backward pass will not read its values either: the layer that
/// made it and every layer that read it say so (<see cref="Layer.KeepsOutputForBackward"/>,
/// <see cref="Layer.KeepsInputsForBackward"/>). In a ResNet that is each BatchNormalization's output
/// read by a relu or a residual Add, and each Add's sum read by a relu: a third of the activations of
/// a training step, which would otherwise stay until the step's <see cref="TensorScope"/> ends
/// (PyTorch's in-place relu saves the same memory by overwriting them).
/// </summary>
/// <remarks>
/// The tensor object stays in the gradient graph (its gradient slot is still needed); only its
/// elements go, and any later read of them throws rather than seeing recycled memory.
/// </remarks>
internal static class DeadValues
{
    /// <summary>Whether the values of a tensor made by <paramref name="producer"/> and read only by <paramref name="readers"/> may go once they have run.</summary>
    public static bool Releasable(Layer producer, IEnumerable<Layer> readers) =>
        !producer.KeepsOutputForBackward && readers.All(r => !r.KeepsInputsForBackward);

    /// <summary>
    /// Releases <paramref name="dead"/>'s memory when it is pooled, was allocated during this pass
    /// (storage sequence at least <paramref name="passStart"/>: not a model input, a weight or a kept
    /// tensor) and no tensor in <paramref name="live"/> shares it.
    /// </summary>
    public static void Release(Tensor dead, long passStart, IEnumerable<Tensor> live)
    {
        var storage = dead.Storage;
        if (!storage.IsPooled || storage.IsReleased || storage.Sequence < passStart) return;
        foreach (var t in live)
            if (ReferenceEquals(t.Storage, storage) || (t.Mask is { } m && ReferenceEquals(m.Storage, storage))) return;
        storage.Release();
    }
}
