using Graft.Tensors;

namespace Graft.Autograd;

/// <summary>Reverse-mode sweep: topological order from the root, each node's rule run once.</summary>
internal static class Backward
{
    public static void Run(Tensor root, Tensor? seed)
    {
        if (!root.RequiresGrad)
            throw new InvalidOperationException($"Backward: expected a tensor that requires grad, got one of shape {root.Shape} with no gradient graph (are all weights frozen, or is this inside GradMode.NoGrad()?).");
        if (seed is null)
        {
            if (root.Size != 1)
                throw new InvalidOperationException($"Backward: expected a scalar (or an explicit gradient), got shape {root.Shape}.");
            seed = Tensor.Full(1f, root.Shape.ToArray(), root.Device);
        }
        else if (seed.Shape != root.Shape)
            throw new ArgumentException($"Backward: expected a gradient of shape {root.Shape}, got {seed.Shape}.");
        else Tensor.SameDevice("Backward", root, seed);

        var order = TopologicalOrder(root);
        root.AccumulateGrad(seed);
        using (GradMode.NoGrad())
        {
            for (int i = order.Count - 1; i >= 0; i--)
            {
                var t = order[i];
                if (t.Node is null || t.Grad is null) continue;
                var g = t.Grad;
                t.Node.Backward(g);
                // Intermediate gradients are not needed once passed on (as in PyTorch without retain_grad).
                t.Grad = null;
            }
        }
    }

    /// <summary>Post-order over the nodes that require grad (iterative: deep nets would overflow recursion).</summary>
    private static List<Tensor> TopologicalOrder(Tensor root)
    {
        var order = new List<Tensor>();
        var visited = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<(Tensor t, int next)>();
        stack.Push((root, 0));
        visited.Add(root);
        while (stack.Count > 0)
        {
            var (t, next) = stack.Pop();
            var inputs = t.Node?.Inputs;
            if (inputs is not null && next < inputs.Length)
            {
                stack.Push((t, next + 1));
                var child = inputs[next];
                if (child.RequiresGrad && child.Node is not null && visited.Add(child)) stack.Push((child, 0));
                continue;
            }
            order.Add(t);
        }
        return order;
    }
}
