using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Datasets;

/// <summary>Stacks a list of elements into one batched element, tensor by tensor, for the element types Batch supports.</summary>
internal static class Stacker<T>
{
    public static Func<List<T>, T> Get(string subject)
    {
        object stack = typeof(T) switch
        {
            var t when t == typeof(Tensor) => (Func<List<Tensor>, Tensor>)(xs => Stack(xs, subject, "")),
            var t when t == typeof((Tensor, Tensor)) => (Func<List<(Tensor, Tensor)>, (Tensor, Tensor)>)(xs =>
                (Stack(xs.Select(e => e.Item1), subject, " (x)"), Stack(xs.Select(e => e.Item2), subject, " (y)"))),
            var t when t == typeof((Tensor, Tensor, Tensor)) => (Func<List<(Tensor, Tensor, Tensor)>, (Tensor, Tensor, Tensor)>)(xs =>
                (Stack(xs.Select(e => e.Item1), subject, " (x)"), Stack(xs.Select(e => e.Item2), subject, " (y)"),
                 Stack(xs.Select(e => e.Item3), subject, " (sample weight)"))),
            var t when t == typeof(Tensor[]) => (Func<List<Tensor[]>, Tensor[]>)(xs => StackArrays(xs, subject, "")),
            var t when t == typeof((Tensor[], Tensor[])) => (Func<List<(Tensor[], Tensor[])>, (Tensor[], Tensor[])>)(xs =>
                (StackArrays(xs.Select(e => e.Item1).ToList(), subject, " inputs"), StackArrays(xs.Select(e => e.Item2).ToList(), subject, " targets"))),
            _ => throw new NotSupportedException($"{subject}: expected elements that are a Tensor, a tuple of 2 or 3 Tensors, a Tensor[] or (Tensor[], Tensor[]), got {typeof(T).Name}. Map the elements to tensors before batching."),
        };
        return (Func<List<T>, T>)stack;
    }

    private static Tensor[] StackArrays(List<Tensor[]> xs, string subject, string what)
    {
        int k = xs[0].Length;
        var bad = xs.FindIndex(a => a.Length != k);
        if (bad >= 0) throw new ArgumentException($"{subject}: expected {k} tensors in every element's{what}, got {xs[bad].Length} in element {bad} of the batch.");
        return Enumerable.Range(0, k).Select(i => Stack(xs.Select(a => a[i]), subject, $"{what} (tensor {i})")).ToArray();
    }

    private static Tensor Stack(IEnumerable<Tensor> parts, string subject, string what)
    {
        var xs = parts.ToArray();
        for (int i = 1; i < xs.Length; i++)
            if (xs[i].Shape != xs[0].Shape)
                throw new ArgumentException($"{subject}: expected elements of one shape{what} in a batch, got {xs[0].Shape} and {xs[i].Shape} (element {i} of the batch). Resize or pad them in a Map before Batch.");
        // The batch outlives the training step that reads it: allocate it outside any scope.
        using (TensorScope.Suspend())
        using (GradMode.NoGrad())
            return Ops.Stack(xs);
    }
}
