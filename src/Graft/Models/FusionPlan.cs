using Graft.Layers;
using Graft.Tensors;

namespace Graft.Models;

/// <summary>
/// Where a model's inference can run several layers as one: a convolution (or Dense) with the
/// BatchNormalization and activation after it (<see cref="FusedChain"/>), and a residual Add with the
/// relu after it (<see cref="ResidualRelu"/>); in training, a BatchNormalization with the relu after it
/// (<see cref="NormRelu"/>). Found once from the structure alone: a layer joins the
/// one before it only when it is that layer's only reader and the intermediate tensor is not a model
/// output, so no result a user can ask for is skipped. Each call then decides whether to fuse.
/// </summary>
internal sealed class FusionPlan
{
    private readonly Step?[] _steps;
    private readonly NormRelu?[] _normRelus;

    private FusionPlan(Step?[] steps, NormRelu?[] normRelus)
    {
        _steps = steps;
        _normRelus = normRelus;
    }

    /// <summary>A fusion that starts at a node: what it runs, the later nodes it stands for, and the tensor it gives.</summary>
    internal sealed record Step(FusedChain? Chain, ResidualRelu? Residual, int[] Covered, SymbolicTensor Output, Node? NormNode);

    /// <summary>The step that starts at node <paramref name="index"/>, or null.</summary>
    public Step? At(int index) => _steps[index];

    /// <summary>
    /// The BatchNormalization and relu pair that starts at node <paramref name="index"/>, or null: run
    /// in training, where a chain through the pair (<see cref="At"/>) runs layer by layer.
    /// </summary>
    public NormRelu? NormReluAt(int index) => _normRelus[index];

    /// <summary>The plan for a functional graph's nodes (in their run order) and outputs.</summary>
    public static FusionPlan For(IReadOnlyList<Node> nodes, IReadOnlyList<SymbolicTensor> outputs)
    {
        var index = new Dictionary<Node, int>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < nodes.Count; i++) index[nodes[i]] = i;
        // Who reads each tensor; a model output counts as a reader no layer can stand in for.
        var readers = new Dictionary<SymbolicTensor, List<int>>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < nodes.Count; i++)
            foreach (var t in nodes[i].Inputs)
                (readers.TryGetValue(t, out var list) ? list : readers[t] = []).Add(i);
        var isOutput = new HashSet<SymbolicTensor>(outputs, ReferenceEqualityComparer.Instance);

        // The node that alone reads node i's single output, taking it as its only input.
        int? SoleReader(int i)
        {
            var n = nodes[i];
            if (n.Outputs.Length != 1 || isOutput.Contains(n.Output)) return null;
            if (!readers.TryGetValue(n.Output, out var list) || list.Count != 1) return null;
            var reader = nodes[list[0]];
            return reader.Inputs.Length == 1 && reader.Outputs.Length == 1 ? list[0] : null;
        }

        var steps = new Step?[nodes.Count];
        var covered = new bool[nodes.Count];
        for (int i = 0; i < nodes.Count; i++)
        {
            if (covered[i]) continue;
            var head = nodes[i];
            if (SoleReader(i) is not int j) continue;
            var second = nodes[j];
            if (head.Layer is Layers.Merging.Add && ResidualRelu.Match(head.Layer, second.Layer) is { } residual)
            {
                steps[i] = new Step(null, residual, [j], second.Output, null);
                covered[j] = true;
                continue;
            }
            if (head.Inputs.Length != 1) continue;
            int? k = FusedChain.IsNorm(second.Layer) ? SoleReader(j) : null;
            if (FusedChain.Match(head.Layer, second.Layer, k is int kk ? nodes[kk].Layer : null) is not { } chain) continue;
            int[] cover = chain.Length == 3 ? [j, k!.Value] : [j];
            foreach (int c in cover) covered[c] = true;
            steps[i] = new Step(chain, null, cover, nodes[cover[^1]].Output, chain.Norm is null ? null : second);
        }
        var normRelus = new NormRelu?[nodes.Count];
        for (int i = 0; i < nodes.Count; i++)
            if (nodes[i].Inputs.Length == 1 && SoleReader(i) is int j)
                normRelus[i] = NormRelu.Match(nodes[i].Layer, nodes[j].Layer, j, nodes[j].Output);
        return new FusionPlan(steps, normRelus);
    }

    /// <summary>
    /// The chains of a stack of layers (a Sequential), by the index of the layer that starts each:
    /// in a stack every output is read only by the next layer, and only the last is the model's.
    /// </summary>
    public static FusedChain?[] ForStack(IReadOnlyList<Layer> layers)
    {
        var chains = new FusedChain?[layers.Count];
        for (int i = 0; i + 1 < layers.Count; i++)
        {
            var chain = FusedChain.Match(layers[i], layers[i + 1], i + 2 < layers.Count ? layers[i + 2] : null);
            if (chain is null) continue;
            chains[i] = chain;
            i += chain.Length - 1;
        }
        return chains;
    }

    /// <summary>Runs <paramref name="step"/> on the head node's inputs; null when the layers must run one by one.</summary>
    public static Tensor? TryRun(Step step, IReadOnlyList<Tensor> args, bool training) =>
        step.Residual is { } r ? r.TryRun(args)
        : step.Chain!.TryRun(args[0], step.NormNode?.Training ?? training);
}
