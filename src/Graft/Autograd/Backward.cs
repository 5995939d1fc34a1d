using Graft.Tensors;

namespace Graft.Autograd;

/// <summary>Reverse-mode sweep: topological order from the root, each node's rule run once.</summary>
internal static class Backward
{
    /// <summary>Backpropagates from <paramref name="root"/> (seeded with ones for a scalar).</summary>
    /// <param name="root">The tensor to differentiate, usually a scalar loss.</param>
    /// <param name="seed">The gradient of <paramref name="root"/>, or null for a scalar's 1.</param>
    /// <param name="onLeafGradient">
    /// Called with each leaf (a weight) as soon as its gradient is complete, while the sweep goes on
    /// below it: data-parallel training starts sending a bucket of gradients while the lower layers
    /// are still backpropagating, as DDP's autograd hooks do. Leaves that get no gradient are not reported.
    /// </param>
    public static void Run(Tensor root, Tensor? seed, Action<Tensor>? onLeafGradient = null)
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
        // Rules may apply offered weight updates themselves (WeightUpdates); they are told which
        // leaves they complete.
        bool offered = WeightUpdates.Active;
        var finished = onLeafGradient is null && !offered ? null : LeavesFinishedAt(order);
        root.AccumulateGrad(seed);
        var recycler = GradientRecycler.Begin(order);
        using (GradMode.NoGrad())
        using (GradientRecycler.Enter(recycler))
        {
            for (int i = order.Count - 1; i >= 0; i--)
            {
                var t = order[i];
                if (t.Node is not null && t.Grad is not null)
                {
                    var g = t.Grad;
                    bool overwritable = t.Node.MayOverwrite && recycler is not null && recycler.Owns(g);
                    recycler?.BeforeRule(t.Node, g);
                    if (offered) WeightUpdates.SetCompleting(finished![i]);
                    try { t.Node.Backward(g, overwritable); }
                    finally { if (offered) WeightUpdates.SetCompleting(null); }
                    // Intermediate gradients are not needed once passed on (as in PyTorch without retain_grad).
                    t.Grad = null;
                    recycler?.AfterRule(g);
                }
                if (onLeafGradient is not null && finished![i] is { } leaves)
                    foreach (var leaf in leaves)
                        if (leaf.Grad is not null) onLeafGradient(leaf);
            }
            if (root.Node is null && root.Grad is not null) onLeafGradient?.Invoke(root);
        }
    }

    /// <summary>
    /// For each node of <paramref name="order"/>, the leaves that receive their last gradient from it:
    /// the sweep runs from the end, so a leaf is complete after its consumer of lowest index has run.
    /// </summary>
    private static List<Tensor>?[] LeavesFinishedAt(List<Tensor> order)
    {
        var last = new Dictionary<Tensor, int>(ReferenceEqualityComparer.Instance);
        for (int i = order.Count - 1; i >= 0; i--)
            if (order[i].Node is { } node)
                foreach (var input in node.Inputs)
                    if (input.Node is null && input.RequiresGrad) last[input] = i;
        var finished = new List<Tensor>?[order.Count];
        foreach (var (leaf, i) in last) (finished[i] ??= []).Add(leaf);
        return finished;
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
