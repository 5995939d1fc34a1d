using System.Text.Json.Nodes;
using Graft.Layers.Attention;
using Graft.Saving;
using Graft.Tensors;
using Graft.Tests.Testing;

namespace Graft.Tests.Layers;

/// <summary>
/// MultiHeadAttention with attention_axes and several output axes, and the three attention layers
/// with use_causal_mask (with and without padding masks), against Keras's computation run by
/// TensorFlow.js 4.22 ops (Fixtures/tfjs/attention_goldens.json, written by
/// tools/tfjs_attention_goldens.js; see the folder's README for each case's oracle).
/// </summary>
public class TfjsAttentionGoldenTests
{
    private const float Tolerance = 1e-4f;

    private static readonly JsonArray Cases =
        JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "tfjs", "attention_goldens.json")))!["cases"]!.AsArray();

    public static IEnumerable<object[]> Names => Cases.Select(c => new object[] { (string)c!["name"]! });

    private static float[] Floats(JsonNode node) => node.AsArray().Select(v => (float)(double)v!).ToArray();
    private static int[] Ints(JsonNode node) => node.AsArray().Select(v => (int)v!).ToArray();

    /// <summary>The case's inputs, each with its sequence mask (1 keep, 0 padding) when the case gives one.</summary>
    internal static Tensor[] Inputs(JsonNode c) => c["inputs"]!.AsArray().Select(i =>
    {
        var shape = Ints(i!["shape"]!);
        var x = Tensor.FromArray(Floats(i["values"]!), shape);
        if (i["mask"] is { } mask) x.Mask = Tensor.FromArray(Floats(mask), shape[..^1]);
        return x;
    }).ToArray();

    // A weight of shape () (Attention's scale) is a scalar tensor.
    private static Tensor[] Weights(JsonNode c) => c["weights"]!.AsArray().Select(w => Ints(w!["shape"]!) is { Length: 0 }
        ? Tensor.Scalar(Floats(w["values"]!)[0]) : Tensor.FromArray(Floats(w["values"]!), Ints(w["shape"]!))).ToArray();

    [Theory]
    [MemberData(nameof(Names))]
    public void AttentionMatchesKerasComputedByTensorFlowJs(string name)
    {
        var c = Cases.Single(e => (string)e!["name"]! == name)!;
        var config = c["config"]!.DeepClone().AsObject();
        config["name"] = "layer";
        var layer = LayerRegistry.FromConfig((string)c["class_name"]!, config);
        bool causal = (bool)c["call"]!["use_causal_mask"]!;
        var xs = Inputs(c);
        Tensor Run() => layer switch
        {
            MultiHeadAttention m => m.Call(xs, useCausalMask: causal),
            AttentionBase a => a.Call(xs, useCausalMask: causal),
            _ => throw new InvalidOperationException($"{name}: expected an attention layer, got {layer.ClassName}."),
        };
        Run();
        var weights = Weights(c);
        if (weights.Length > 0) layer.SetWeights(weights);
        var y = Run();
        Assert.Equal(Ints(c["output_shape"]!), y.Shape.ToArray());
        Assertions.Close(Floats(c["output"]!), y, Tolerance);
    }

    [Fact]
    public void TheCausalCasesDependOnTheCausalMask()
    {
        // Without the mask the same layers give other outputs: the fixture checks the causal mask itself.
        foreach (var c in Cases.Where(c => (bool)c!["call"]!["use_causal_mask"]!))
        {
            var config = c!["config"]!.DeepClone().AsObject();
            config["name"] = "layer";
            var layer = (Graft.Layers.Merging.Merge)LayerRegistry.FromConfig((string)c["class_name"]!, config);
            var xs = Inputs(c);
            layer.Call(xs);
            var weights = Weights(c);
            if (weights.Length > 0) layer.SetWeights(weights);
            var plain = layer.Call(xs).ToArray();
            Assert.True(plain.Zip(Floats(c["output"]!)).Max(p => Math.Abs(p.First - p.Second)) > 1e-2, $"{c["name"]}: the causal output equals the unmasked one.");
        }
    }
}
