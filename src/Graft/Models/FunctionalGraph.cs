using Graft.Layers;
using Graft.Layers.Core;
using Graft.Layers.Merging;
using Graft.Tensors;

namespace Graft.Models;

/// <summary>
/// The graph behind a functional model: the nodes (layer calls) from the inputs to the outputs in
/// an order where every node comes after the nodes it reads.
/// </summary>
internal sealed class FunctionalGraph
{
    public FunctionalGraph(IReadOnlyList<SymbolicTensor> inputs, IReadOnlyList<SymbolicTensor> outputs, string subject)
    {
        Inputs = inputs.ToArray();
        Outputs = outputs.ToArray();
        if (Inputs.Length == 0 || Outputs.Length == 0) throw new ArgumentException($"{subject}: expected at least one input and one output, got {Inputs.Length} and {Outputs.Length}.");
        foreach (var i in Inputs)
            if (i.Layer is not InputLayer) throw new ArgumentException($"{subject}: expected inputs made by Keras.Input, got a tensor from {i.Layer.Describe()}.");
        var order = new List<Node>();
        var state = new Dictionary<Node, bool>(ReferenceEqualityComparer.Instance);
        var firstSeen = new Dictionary<Layer, int>(ReferenceEqualityComparer.Instance);
        void Visit(Node n)
        {
            if (state.TryGetValue(n, out bool done))
            {
                if (!done) throw new ArgumentException($"{subject}: expected an acyclic graph, got a cycle through {n.Layer.Describe()}.");
                return;
            }
            firstSeen.TryAdd(n.Layer, firstSeen.Count);
            state[n] = false;
            foreach (var i in n.Inputs) Visit(i.Node);
            state[n] = true;
            order.Add(n);
        }
        foreach (var o in Outputs) Visit(o.Node);
        foreach (var n in order)
            if (n.Layer is InputLayer && !Inputs.Contains(n.Output))
                throw new ArgumentException($"{subject}: expected every input of the graph among the model's inputs, got {n.Layer.Describe()} that is not.");
        Nodes = order;
        Layers = KerasLayerOrder(order, firstSeen);
    }

    /// <summary>
    /// Keras's order of a functional model's layers (<c>map_graph</c>): by depth, the longest path to an
    /// output first, and at equal depth in the order the search from the outputs first reached them.
    /// Files address weights by this order (Keras 2's <c>layer_names</c> loaded by position, Keras 3's
    /// per-class keys), so a branched model (a ResNet block's shortcut and main path) must list its
    /// layers exactly as Keras does, or weights of equal shapes would be exchanged.
    /// </summary>
    private static List<Layer> KerasLayerOrder(List<Node> order, Dictionary<Layer, int> firstSeen)
    {
        var inGraph = new HashSet<Node>(order, ReferenceEqualityComparer.Instance);
        var nodeDepth = new Dictionary<Node, int>(ReferenceEqualityComparer.Instance);
        var layerDepth = new Dictionary<Layer, int>(ReferenceEqualityComparer.Instance);
        for (int k = order.Count - 1; k >= 0; k--)
        {
            var node = order[k];
            int depth = Math.Max(nodeDepth.GetValueOrDefault(node), layerDepth.GetValueOrDefault(node.Layer));
            layerDepth[node.Layer] = depth;
            nodeDepth[node] = depth;
            foreach (var parent in node.Inputs.Select(i => i.Node))
                if (inGraph.Contains(parent)) nodeDepth[parent] = Math.Max(depth + 1, nodeDepth.GetValueOrDefault(parent));
        }
        return layerDepth.Keys.OrderByDescending(l => layerDepth[l]).ThenBy(l => firstSeen[l]).ToList();
    }

    public SymbolicTensor[] Inputs { get; }
    public SymbolicTensor[] Outputs { get; }
    public List<Node> Nodes { get; }
    public List<Layer> Layers { get; }

    public static SymbolicTensor InputNode(InputLayer layer)
    {
        var node = new Node(layer, [], null, layer.SymbolicCalls++);
        node.Output = new SymbolicTensor([null, .. layer.Shape.Select(d => d < 0 ? null : (int?)d)], node);
        layer.InboundNodes.Add(node);
        return node.Output;
    }

    /// <summary>
    /// Records a symbolic call of <paramref name="layer"/>: builds it for the input shape and computes
    /// the output shape. <paramref name="kwargs"/> are the call's other arguments (see <see cref="Node.Kwargs"/>).
    /// </summary>
    public static SymbolicTensor Record(Layer layer, SymbolicTensor[] inputs, bool? training, System.Text.Json.Nodes.JsonObject? kwargs = null)
    {
        if (layer is InputLayer il) return il.Output;
        var shapes = layer.BuildNode(inputs.Select(i => i.Shape).ToList());
        var node = new Node(layer, inputs, training, layer.SymbolicCalls++, kwargs is { Count: > 0 } ? kwargs : null);
        node.Outputs = shapes.Select((shape, i) => new SymbolicTensor(shape, node, i)).ToArray();
        layer.InboundNodes.Add(node);
        return node.Output;
    }

    /// <summary>Runs the graph on concrete inputs (one per model input).</summary>
    public Tensor[] Run(IReadOnlyList<Tensor> inputs, bool training, string subject)
    {
        if (inputs.Count != Inputs.Length) throw new ArgumentException($"{subject}: expected {Inputs.Length} inputs, got {inputs.Count}.");
        var values = new Dictionary<SymbolicTensor, Tensor>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < Inputs.Length; i++) values[Inputs[i]] = ((InputLayer)Inputs[i].Layer).Call(inputs[i], training);
        var plan = Fusion;
        var dead = DeadAfter;
        long start = TensorStorage.NextSequence;
        bool[]? fused = null;
        for (int k = 0; k < Nodes.Count; k++)
        {
            var n = Nodes[k];
            if (n.Layer is InputLayer || (fused is not null && fused[k])) continue;
            bool t = n.Training ?? training;
            var args = n.Inputs.Select(i => values[i]).ToList();
            if (plan.At(k) is { } step && FusionPlan.TryRun(step, args, training) is { } y)
            {
                // The layers the step stands for leave no value behind: only they would have read it.
                values[step.Output] = y;
                fused ??= new bool[Nodes.Count];
                foreach (int c in step.Covered) fused[c] = true;
            }
            else if (plan.NormReluAt(k) is { } pair && pair.TryRun(args, t) is { } z)
            {
                values[pair.Output] = z;
                fused ??= new bool[Nodes.Count];
                fused[pair.ReluNode] = true;
            }
            else
            {
                var outs = n.Layer.RunNode(args, t, n.Kwargs);
                for (int i = 0; i < n.Outputs.Length; i++) values[n.Outputs[i]] = outs[i];
            }
            if (dead[k] is { } gone)
                foreach (var s in gone)
                    if (values.Remove(s, out var value)) DeadValues.Release(value, start, values.Values);
        }
        return Outputs.Select(o => values[o]).ToArray();
    }

    private List<SymbolicTensor>?[]? _deadAfter;

    /// <summary>
    /// For each node, the tensors whose last reader it is and whose values the backward pass will
    /// not read (see <see cref="DeadValues"/>); model outputs never.
    /// </summary>
    private List<SymbolicTensor>?[] DeadAfter => _deadAfter ??= FindDeadAfter();

    private List<SymbolicTensor>?[] FindDeadAfter()
    {
        var readers = new Dictionary<SymbolicTensor, List<int>>(ReferenceEqualityComparer.Instance);
        for (int k = 0; k < Nodes.Count; k++)
            foreach (var s in Nodes[k].Inputs)
                (readers.TryGetValue(s, out var list) ? list : readers[s] = []).Add(k);
        var dead = new List<SymbolicTensor>?[Nodes.Count];
        foreach (var (s, list) in readers)
        {
            if (Outputs.Contains(s) || Inputs.Contains(s)) continue;
            if (!DeadValues.Releasable(s.Node.Layer, list.Select(k => Nodes[k].Layer))) continue;
            (dead[list.Max()] ??= []).Add(s);
        }
        return dead;
    }

    private FusionPlan? _fusion;

    /// <summary>Where inference may run several layers as one; found on first use (a race finds the same plan twice).</summary>
    internal FusionPlan Fusion => _fusion ??= FusionPlan.For(Nodes, Outputs);
}
