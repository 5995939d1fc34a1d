using Graft.Autograd;
using Graft.Tensors.Backends;

namespace Graft.Tensors;

public sealed partial class Tensor
{
    /// <summary>
    /// Adds <paramref name="g"/> into <see cref="Grad"/>. The first contribution is adopted as is
    /// (no copy); later ones make a new sum, never writing into a tensor that another gradient
    /// may share (an Add passes the same gradient to both inputs), unless the backward sweep owns
    /// the current gradient's memory (<see cref="GradientRecycler.Owns"/>): the sum then goes into
    /// it, the same float additions in the same order, without a new buffer.
    /// </summary>
    internal void AccumulateGrad(Tensor g)
    {
        System.Diagnostics.Debug.Assert(g.Shape == Shape, $"gradient shape {g.Shape} for tensor {Shape}");
        System.Diagnostics.Debug.Assert(g.Device == Device, $"gradient on {g.Device} for a tensor on {Device}");
        if (Grad is null) { Grad = g; return; }
        if (Device == Device.Cpu && !ReferenceEquals(Grad.Storage, g.Storage) && GradientRecycler.Current?.Owns(Grad) == true)
        {
            Backend.Binary(BinaryOp.Add, Grad, g, Grad);
            return;
        }
        var sum = Empty(Shape, zero: false, Device);
        Backend.Binary(BinaryOp.Add, Grad, g, sum);
        Grad = sum;
    }

    /// <summary>Forgets the accumulated gradient (<see cref="Grad"/> becomes null, as PyTorch's <c>zero_grad(set_to_none=True)</c>).</summary>
    public void ZeroGrad() => Grad = null;

    /// <summary>Marks <paramref name="result"/> as produced by an op whose inputs need gradients.</summary>
    internal static Tensor Record(Tensor result, string op, Action<Tensor> backward, params Tensor[] inputs)
    {
        result._requiresGrad = true;
        result.Node = new GradNode(op, inputs, backward);
        return result;
    }

    /// <summary>
    /// As <see cref="Record(Tensor, string, Action{Tensor}, Tensor[])"/>, for a rule that may write an
    /// input's gradient into the memory of the gradient it is given when the sweep says no one else
    /// holds it (the second argument): a relu's or a batch normalization's gradient, which has the
    /// shape of its output's, then needs no new buffer (PyTorch's in-place backward kernels).
    /// </summary>
    internal static Tensor RecordInPlace(Tensor result, string op, Action<Tensor, bool> backward, params Tensor[] inputs)
    {
        result._requiresGrad = true;
        result.Node = new GradNode(op, inputs, backward);
        return result;
    }

    /// <summary>True when recording is on and any input needs a gradient.</summary>
    internal static bool NeedsGrad(Tensor a) => a._requiresGrad && GradMode.IsEnabled;
    internal static bool NeedsGrad(Tensor a, Tensor b) => (a._requiresGrad || b._requiresGrad) && GradMode.IsEnabled;
    internal static bool NeedsGrad(Tensor[] xs)
    {
        if (!GradMode.IsEnabled) return false;
        foreach (var x in xs) if (x._requiresGrad) return true;
        return false;
    }
}
