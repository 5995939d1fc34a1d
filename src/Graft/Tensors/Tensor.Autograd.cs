using Graft.Autograd;
using Graft.Tensors.Backends;

namespace Graft.Tensors;

public sealed partial class Tensor
{
    /// <summary>
    /// Adds <paramref name="g"/> into <see cref="Grad"/>. A leaf owns its gradient buffer (it
    /// lives across steps and is added into in place); an intermediate may alias the incoming
    /// gradient, so a second contribution makes a new tensor instead of writing into it.
    /// </summary>
    internal void AccumulateGrad(Tensor g)
    {
        System.Diagnostics.Debug.Assert(g.Shape == Shape, $"gradient shape {g.Shape} for tensor {Shape}");
        if (Node is null)
        {
            if (Grad is null)
            {
                Grad = new Tensor(Shape, CpuStorage.Wrap(new float[Size]));
                Backend.Copy(g, Grad);
            }
            else Backend.Axpy(1f, g, Grad);
        }
        else if (Grad is null) Grad = g;
        else
        {
            var sum = Empty(Shape, zero: false);
            Backend.Binary(BinaryOp.Add, Grad, g, sum);
            Grad = sum;
        }
    }

    /// <summary>Clears the accumulated gradient (keeps the buffer of a leaf, zeroed).</summary>
    public void ZeroGrad()
    {
        if (Grad is null) return;
        if (Node is null) Backend.Fill(Grad, 0f);
        else Grad = null;
    }

    /// <summary>Marks <paramref name="result"/> as produced by an op whose inputs need gradients.</summary>
    internal static Tensor Record(Tensor result, string op, Action<Tensor> backward, params Tensor[] inputs)
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
