using System.Text.Json.Nodes;
using Graft.Layers;
using Graft.Layers.Attention;
using Graft.Layers.Core;
using Graft.Models;
using Graft.Saving;
using Graft.Tensors;
using Graft.Tests.Testing;

namespace Graft.Tests.Layers;

/// <summary>
/// MultiHeadAttention's attention_axes and output axes, and use_causal_mask on the three attention
/// layers: gradients, causality, config and saved-graph round trips (.keras and .h5, Keras 2's and
/// Keras 3's node kwargs), and the errors. Values against Keras are in <see cref="TfjsAttentionGoldenTests"/>.
/// </summary>
public class AttentionOptionsTests
{
    private static Tensor WithMask(Tensor x, float[] mask)
    {
        x.Mask = Tensor.FromArray(mask, x.Shape[0], x.Shape[1]);
        return x;
    }

    /// <summary>A layer on both backends with the same weights: values and gradients of inputs and weights agree, the reference's gradients match finite differences.</summary>
    private static void CheckGradients(Func<Graft.Layers.Merging.Merge> create, Func<Graft.Layers.Merging.Merge, Tensor[], Tensor> run, Tensor[] xs, float[][]? masks = null)
    {
        Tensor[] Masked(Tensor[] inputs)
        {
            if (masks is not null)
                for (int i = 0; i < inputs.Length; i++)
                    if (masks[i] is { } m) inputs[i].Mask = Tensor.FromArray(m, [inputs[i].Shape[0], inputs[i].Shape[1]], inputs[i].Device);
            return inputs;
        }
        var original = create();
        run(original, Masked(xs.Select(x => x.Clone()).ToArray()));
        var weights = original.GetWeights();
        GradCheck.CheckOnBothDevices(device =>
        {
            var layer = create();
            var inputs = xs.Select(x => x.To(device)).ToArray();
            run(layer, Masked(inputs.Select(x => x.Clone()).ToArray()));
            layer.SetWeights(weights);
            var trainable = layer.Weights.Where(v => v.Trainable).Select(v => v.Value).ToArray();
            return (t => run(layer, Masked(t[..xs.Length])), [.. inputs, .. trainable]);
        });
    }

    public static IEnumerable<object[]> AxesCases() =>
    [
        ["2-D attention over an image", new[] { 1, 2 }, null!, new[] { 2, 3, 3 }],
        ["axis 2 of a 4-D input", new[] { -2 }, null!, new[] { 2, 3, 3 }],
        ["3-D attention, two output axes", new[] { 1, 2, 3 }, new[] { 2, 2 }, new[] { 2, 2, 2, 3 }],
        ["steps, two output axes", null!, new[] { 3, 2 }, new[] { 3, 4 }],
    ];

    [Theory]
    [MemberData(nameof(AxesCases))]
    public void AttentionAxesGradientsMatchTheReferenceBackend(string what, int[]? axes, int[]? outputShape, int[] sample)
    {
        _ = what;
        int[] shape = [2, .. sample];
        CheckGradients(() => new MultiHeadAttention(2, 2, valueDim: 3, outputShape: outputShape is null ? null : (IntTuple)outputShape, attentionAxes: axes),
            (m, xs) => m.Call(xs), [GradCheck.Uniform(shape, 3), GradCheck.Uniform(shape, 20)]);
    }

    [Theory]
    [MemberData(nameof(AxesCases))]
    public void AttentionAxesSaveAndLoadInBothFormats(string what, int[]? axes, int[]? outputShape, int[] sample)
    {
        var x = Keras.Input(sample, name: "x");
        var v = Keras.Input(sample, name: "v");
        var mha = new MultiHeadAttention(2, 3, outputShape: outputShape is null ? null : (IntTuple)outputShape, attentionAxes: axes, name: "mha");
        var model = new Model([x, v], [mha.Call([x, v])]);
        var config = LayerRegistry.FromConfig("MultiHeadAttention", mha.GetConfig());
        Assert.Equal(axes, ((MultiHeadAttention)config).AttentionAxes);
        Assert.Equal(outputShape, ((MultiHeadAttention)config).OutputShape?.ToArray());
        var inputs = new[] { GradCheck.Uniform([2, .. sample], 5), GradCheck.Uniform([2, .. sample], 6) };
        var expected = model.Predict(inputs, verbose: 0).ToArray();
        foreach (var ext in new[] { ".keras", ".h5" })
        {
            string path = Path.Combine(Path.GetTempPath(), $"graft-{Guid.NewGuid():N}{ext}");
            try
            {
                model.Save(path);
                var loaded = Model.Load(path);
                Assert.Equal(axes, ((MultiHeadAttention)loaded.GetLayer("mha")).AttentionAxes);
                Assert.Equal(expected, loaded.Predict(inputs, verbose: 0).ToArray());
            }
            finally { File.Delete(path); }
        }
        _ = what;
    }

    [Fact]
    public void AttentionAxesChangeWhatIsAttended()
    {
        // Over axis 2 alone, rows of the grid do not see each other: changing row 0 leaves row 1 alone.
        var mha = new MultiHeadAttention(2, 2, attentionAxes: [2]);
        var x = GradCheck.Uniform([1, 2, 3, 4], 1);
        var y = mha.Call([x, x]).ToArray();
        var values = x.ToArray();
        for (int i = 0; i < 12; i++) values[i] += 0.5f;
        var changed = mha.Call([Tensor.FromArray(values, 1, 2, 3, 4), Tensor.FromArray(values, 1, 2, 3, 4)]).ToArray();
        Assertions.Close(y[12..], changed[12..], 1e-6f);
        Assert.True(y[..12].Zip(changed[..12]).Max(p => Math.Abs(p.First - p.Second)) > 1e-3);
        // Over axes 1 and 2 they do.
        var joint = new MultiHeadAttention(2, 2, attentionAxes: [1, 2]);
        var yj = joint.Call([x, x]).ToArray();
        var changedJ = joint.Call([Tensor.FromArray(values, 1, 2, 3, 4), Tensor.FromArray(values, 1, 2, 3, 4)]).ToArray();
        Assert.True(yj[12..].Zip(changedJ[12..]).Max(p => Math.Abs(p.First - p.Second)) > 1e-4);
    }

    [Fact]
    public void BadAttentionAxesAreRejectedWithTheAxes()
    {
        var e = Assert.Throws<ArgumentException>(() => new MultiHeadAttention(2, 2, attentionAxes: [3], name: "m").Call([Tensor.Zeros(1, 2, 3, 4), Tensor.Zeros(1, 2, 3, 4)]));
        Assert.Contains("MultiHeadAttention 'm'", e.Message);
        Assert.Contains("[3]", e.Message);
        Assert.Throws<ArgumentException>(() => new MultiHeadAttention(2, 2, attentionAxes: [0]).Call([Tensor.Zeros(1, 2, 4), Tensor.Zeros(1, 2, 4)]));
        Assert.Throws<ArgumentException>(() => new MultiHeadAttention(2, 2, attentionAxes: [1, 1]));
        Assert.Throws<ArgumentException>(() => new MultiHeadAttention(2, 2, attentionAxes: []));
        // The batch axes (those outside attention_axes) must agree between query and value.
        var other = Assert.Throws<ArgumentException>(() => new MultiHeadAttention(2, 2, attentionAxes: [2], name: "b").Call([Tensor.Zeros(1, 2, 3, 4), Tensor.Zeros(1, 3, 3, 4)]));
        Assert.Contains("attention_axes", other.Message);
    }

    [Fact]
    public void WeightPenaltiesLoadAndNewerOptionsAreRefused()
    {
        var mha = (MultiHeadAttention)LayerRegistry.FromConfig("MultiHeadAttention", JsonNode.Parse("""
            {"name": "m", "num_heads": 2, "key_dim": 2, "kernel_regularizer": {"class_name": "L2", "config": {"l2": 0.5}}, "use_gate": false, "sliding_window": null, "flash_attention": null}
            """)!.AsObject());
        mha.Call([Tensor.Ones(1, 2, 3), Tensor.Ones(1, 2, 3)]);
        // One penalty per kernel: query, key, value and output, each 0.5·Σw².
        var kernels = mha.Weights.Where(w => w.Name.EndsWith("kernel")).ToList();
        var penalties = mha.RegularizationLosses().Select(t => (double)t.Item()).ToList();
        Assert.Equal(4, penalties.Count);
        for (int i = 0; i < 4; i++) Assert.Equal(0.5 * kernels[i].Value.ToArray().Sum(v => (double)v * v), penalties[i], 4);
        Assert.Equal("L2", (string)mha.GetConfig()["kernel_regularizer"]!["class_name"]!);
        var gate = Assert.Throws<NotSupportedException>(() => LayerRegistry.FromConfig("MultiHeadAttention", JsonNode.Parse("""{"name": "g", "num_heads": 2, "key_dim": 2, "use_gate": true}""")!.AsObject()));
        Assert.Contains("use_gate", gate.Message);
        var window = Assert.Throws<NotSupportedException>(() => LayerRegistry.FromConfig("MultiHeadAttention", JsonNode.Parse("""{"name": "w", "num_heads": 2, "key_dim": 2, "sliding_window": 4}""")!.AsObject()));
        Assert.Contains("sliding_window", window.Message);
    }

    [Fact]
    public void AttentionAxesAndOutputAxesRefuseOnnxExportClearly()
    {
        var x = Keras.Input([2, 3, 4]);
        var model = new Model(x, new MultiHeadAttention(2, 2, attentionAxes: [1, 2], name: "grid").Call([x, x]));
        var e = Assert.Throws<NotSupportedException>(() => Graft.Onnx.OnnxExporter.ToBytes(model));
        Assert.Contains("'grid'", e.Message);
        var s = Keras.Input([3, 4]);
        var wide = new Model(s, new MultiHeadAttention(2, 2, outputShape: new[] { 2, 2 }).Call([s, s]));
        Assert.Throws<NotSupportedException>(() => Graft.Onnx.OnnxExporter.ToBytes(wide));
    }

    // ---- use_causal_mask ----

    public static IEnumerable<object[]> CausalLayers() =>
    [
        ["MultiHeadAttention", (Func<Graft.Layers.Merging.Merge>)(() => new MultiHeadAttention(2, 2, name: "att"))],
        ["Attention", (Func<Graft.Layers.Merging.Merge>)(() => new Attention(useScale: true, name: "att"))],
        ["Attention_concat", (Func<Graft.Layers.Merging.Merge>)(() => new Attention(scoreMode: "concat", name: "att"))],
        ["AdditiveAttention", (Func<Graft.Layers.Merging.Merge>)(() => new AdditiveAttention(name: "att"))],
    ];

    private static Tensor CallCausal(Graft.Layers.Merging.Merge layer, IReadOnlyList<Tensor> xs, bool causal = true) => layer switch
    {
        MultiHeadAttention m => m.Call(xs, useCausalMask: causal),
        AttentionBase a => a.Call(xs, useCausalMask: causal),
        _ => throw new InvalidOperationException(),
    };

    private static SymbolicTensor CallCausal(Graft.Layers.Merging.Merge layer, IReadOnlyList<SymbolicTensor> xs) => layer switch
    {
        MultiHeadAttention m => m.Call(xs, useCausalMask: true),
        AttentionBase a => a.Call(xs, useCausalMask: true),
        _ => throw new InvalidOperationException(),
    };

    [Theory]
    [MemberData(nameof(CausalLayers))]
    public void CausalStepsIgnoreLaterValues(string what, Func<Graft.Layers.Merging.Merge> create)
    {
        var layer = create();
        var q = GradCheck.Uniform([2, 4, 4], 1);
        var v = GradCheck.Uniform([2, 4, 4], 2);
        var y = CallCausal(layer, [q, v]).ToArray();
        // Change value step 2 of every sample: outputs of query steps 0 and 1 stay, steps 2 and 3 move.
        var values = v.ToArray();
        for (int b = 0; b < 2; b++) for (int c = 0; c < 4; c++) values[(b * 4 + 2) * 4 + c] += 0.7f;
        var changed = CallCausal(layer, [q, Tensor.FromArray(values, 2, 4, 4)]).ToArray();
        for (int b = 0; b < 2; b++)
        {
            Assertions.Close(y[(b * 16)..(b * 16 + 8)], changed[(b * 16)..(b * 16 + 8)], 1e-6f, what);
            Assert.True(y[(b * 16 + 8)..(b * 16 + 16)].Zip(changed[(b * 16 + 8)..(b * 16 + 16)]).Max(p => Math.Abs(p.First - p.Second)) > 1e-4, what);
        }
        // Without the mask the early steps see the change.
        var plain = CallCausal(layer, [q, v], causal: false).ToArray();
        var plainChanged = CallCausal(layer, [q, Tensor.FromArray(values, 2, 4, 4)], causal: false).ToArray();
        Assert.True(plain[..8].Zip(plainChanged[..8]).Max(p => Math.Abs(p.First - p.Second)) > 1e-4, what);
    }

    [Theory]
    [MemberData(nameof(CausalLayers))]
    public void CausalGradientsWithPaddingMatchTheReferenceBackend(string what, Func<Graft.Layers.Merging.Merge> create)
    {
        _ = what;
        CheckGradients(create, (l, xs) => CallCausal(l, xs), [GradCheck.Uniform([2, 4, 3], 3), GradCheck.Uniform([2, 4, 3], 4)],
            [[1, 1, 1, 0, 1, 1, 1, 1], [1, 1, 0, 0, 1, 1, 1, 0]]);
    }

    [Theory]
    [MemberData(nameof(CausalLayers))]
    public void CausalCallsSaveAndLoadInBothFormats(string what, Func<Graft.Layers.Merging.Merge> create)
    {
        var x = Keras.Input([5, 4], name: "x");
        var model = new Model(x, CallCausal(create(), [x, x]));
        var node = model.GetConfig()["layers"]!.AsArray().Single(l => (string)l!["name"]! == "att")!["inbound_nodes"]![0]!;
        Assert.True((bool)node["kwargs"]!["use_causal_mask"]!, what);
        var input = GradCheck.Uniform([3, 5, 4], 9);
        var expected = model.Predict(input, verbose: 0).ToArray();
        Assert.NotEqual(expected, CallCausal((Graft.Layers.Merging.Merge)model.GetLayer("att"), [input, input], causal: false).ToArray());
        var clone = model.Clone();
        clone.SetWeights(model.GetWeights());
        Assert.Equal(expected, clone.Predict(input, verbose: 0).ToArray());
        foreach (var ext in new[] { ".keras", ".h5" })
        {
            string path = Path.Combine(Path.GetTempPath(), $"graft-{Guid.NewGuid():N}{ext}");
            try
            {
                model.Save(path);
                var loaded = Model.Load(path);
                Assert.Equal(expected, loaded.Predict(input, verbose: 0).ToArray());
                // Saving the loaded model writes the argument back.
                var again = loaded.GetConfig()["layers"]!.AsArray().Single(e => (string)e!["name"]! == "att")!["inbound_nodes"]![0]!;
                Assert.True((bool)again["kwargs"]!["use_causal_mask"]!, $"{what} {ext}");
            }
            finally { File.Delete(path); }
        }
    }

    [Fact]
    public void Keras2AndKeras3NodeKwargsCarryTheCausalMask()
    {
        var x = Keras.Input([4, 6], name: "x");
        var mha = new MultiHeadAttention(2, 3, name: "mha");
        var causalModel = new Model(x, mha.Call([x, x], useCausalMask: true));
        var config = causalModel.GetConfig();
        var input = GradCheck.Uniform([2, 4, 6], 3);
        var expected = causalModel.Predict(input, verbose: 0).ToArray();
        var tensor = config["layers"]!.AsArray().Single(l => (string)l!["name"]! == "mha")!["inbound_nodes"]![0]!["args"]![0]![0]!.DeepClone();
        foreach (var node in new JsonNode[]
        {
            // Keras 3: mha(x, value=x, use_causal_mask=True).
            new JsonObject { ["args"] = new JsonArray(tensor.DeepClone()), ["kwargs"] = new JsonObject { ["value"] = tensor.DeepClone(), ["use_causal_mask"] = true } },
            // Keras 2 (.h5): the keyword arguments ride in the node entry.
            JsonNode.Parse("""[["x", 0, 0, {"value": ["x", 0, 0], "use_causal_mask": true}]]""")!,
        })
        {
            var edited = config.DeepClone().AsObject();
            edited["layers"]!.AsArray().Single(l => (string)l!["name"]! == "mha")!["inbound_nodes"] = new JsonArray(node);
            var rebuilt = ModelConfig.Build(new JsonObject { ["class_name"] = "Functional", ["config"] = edited }, "test config");
            rebuilt.SetWeights(causalModel.GetWeights());
            Assert.Equal(expected, rebuilt.Predict(input, verbose: 0).ToArray());
        }
        // Keras 2's Attention node: a list of [query, value] entries, each with the call's kwargs.
        var att = new Attention(name: "att");
        var attModel = new Model(x, att.Call([x, x], useCausalMask: true));
        var attConfig = attModel.GetConfig();
        attConfig["layers"]!.AsArray().Single(l => (string)l!["name"]! == "att")!["inbound_nodes"] =
            JsonNode.Parse("""[[["x", 0, 0, {"use_causal_mask": true}], ["x", 0, 0, {"use_causal_mask": true}]]]""");
        var attRebuilt = ModelConfig.Build(new JsonObject { ["class_name"] = "Functional", ["config"] = attConfig }, "test config");
        Assert.Equal(attModel.Predict(input, verbose: 0).ToArray(), attRebuilt.Predict(input, verbose: 0).ToArray());
    }

    [Fact]
    public void Keras2CausalConfigMakesEveryCallCausal()
    {
        // TensorFlow 2.4 to 2.9 wrote Attention(causal=True) in the layer's config; Graft loads it as a
        // causal call and writes Keras 3's form (the node's use_causal_mask, no config key) back.
        var x = Keras.Input([4, 6], name: "x");
        var causalModel = new Model(x, new AdditiveAttention(name: "att").Call([x, x], useCausalMask: true));
        var config = causalModel.GetConfig();
        var entry = config["layers"]!.AsArray().Single(l => (string)l!["name"]! == "att")!;
        entry["config"]!["causal"] = true;
        entry["inbound_nodes"] = JsonNode.Parse("""[[["x", 0, 0, {}], ["x", 0, 0, {}]]]""");
        var rebuilt = ModelConfig.Build(new JsonObject { ["class_name"] = "Functional", ["config"] = config }, "keras2.h5");
        rebuilt.SetWeights(causalModel.GetWeights());
        var input = GradCheck.Uniform([2, 4, 6], 8);
        Assert.Equal(causalModel.Predict(input, verbose: 0).ToArray(), rebuilt.Predict(input, verbose: 0).ToArray());
        var written = rebuilt.GetConfig()["layers"]!.AsArray().Single(l => (string)l!["name"]! == "att")!;
        Assert.False(written["config"]!.AsObject().ContainsKey("causal"));
        Assert.True((bool)written["inbound_nodes"]![0]!["kwargs"]!["use_causal_mask"]!);
    }

    [Fact]
    public void CausalCallsWithPaddingExportToOnnx()
    {
        var ids = Keras.Input([5], name: "ids");
        var x = new Embedding(7, 4, maskZero: true).Call(ids);
        var heads = new MultiHeadAttention(2, 3, name: "mha").Call([x, x], useCausalMask: true);
        var dot = new Attention(useScale: true).Call([heads, x], useCausalMask: true);
        var concat = new Attention(scoreMode: "concat").Call([dot, x], useCausalMask: true);
        var additive = new AdditiveAttention().Call([concat, x], useCausalMask: true);
        var model = new Model(ids, new Graft.Layers.Pooling.GlobalAveragePooling1D().Call(additive));
        Graft.Tests.Onnx.OnnxExportLayerTests.Randomize(model);
        var padded = Tensor.FromArray([3, 1, 5, 2, 0, 4, 4, 2, 0, 0, 6, 1, 3, 2, 5], 3, 5);
        Graft.Tests.Onnx.ExportCheck.AssertMatches(model, [padded], "causal attention");
    }

    [Fact]
    public void ReturnAttentionScoresIsRefusedClearly()
    {
        var x = Keras.Input([4, 6], name: "x");
        var model = new Model(x, new MultiHeadAttention(2, 3, name: "mha").Call([x, x], useCausalMask: true));
        var config = model.GetConfig();
        var node = config["layers"]!.AsArray().Single(l => (string)l!["name"]! == "mha")!["inbound_nodes"]![0]!;
        node["kwargs"]!["return_attention_scores"] = true;
        var scores = Assert.Throws<NotSupportedException>(() => ModelConfig.Build(new JsonObject { ["class_name"] = "Functional", ["config"] = config }, "scores.keras"));
        Assert.Contains("return_attention_scores", scores.Message);
    }
}
