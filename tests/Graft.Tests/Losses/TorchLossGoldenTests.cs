using System.Text.Json.Nodes;
using Graft.Losses;
using Graft.Tensors;

namespace Graft.Tests.Losses;

/// <summary>
/// The losses PyTorch has under Keras's definition, on random cases PyTorch computed
/// (Fixtures/torch/loss_goldens.json, made by tools/torch/make_loss_goldens.py).
/// </summary>
public class TorchLossGoldenTests
{
    private static readonly JsonArray Cases = JsonNode.Parse(File.ReadAllText(
        Path.Combine(AppContext.BaseDirectory, "Fixtures", "torch", "loss_goldens.json")))!["cases"]!.AsArray();

    public static IEnumerable<object[]> CaseIndices() => Enumerable.Range(0, Cases.Count).Select(i => new object[] { i });

    private static Tensor Read(JsonNode node)
    {
        var rows = node.AsArray();
        if (rows[0] is JsonArray)
        {
            var data = rows.SelectMany(r => r!.AsArray().Select(v => (float)v!.GetValue<double>())).ToArray();
            return Tensor.FromArray(data, rows.Count, data.Length / rows.Count);
        }
        return Tensor.FromArray(rows.Select(v => (float)v!.GetValue<double>()).ToArray(), rows.Count);
    }

    private static Loss Make(string name, JsonObject c) => name switch
    {
        "binary_focal_crossentropy" => new BinaryFocalCrossentropy(c["apply_class_balancing"]!.GetValue<bool>(), (float)(c["alpha"]?.GetValue<double>() ?? 0.25),
            (float)c["gamma"]!.GetValue<double>(), c["from_logits"]!.GetValue<bool>()),
        "sparse_categorical_crossentropy" => new SparseCategoricalCrossentropy(c["from_logits"]!.GetValue<bool>(), c["ignore_class"]!.GetValue<int>()),
        "huber" => new Huber((float)c["delta"]!.GetValue<double>()),
        _ => Loss.Get(name),
    };

    [Theory]
    [MemberData(nameof(CaseIndices))]
    public void MatchesPyTorch(int index)
    {
        var c = Cases[index]!;
        string name = c["name"]!.GetValue<string>();
        var loss = Make(name, c["config"]!.AsObject());
        var yTrue = Read(c["y_true"]!); var yPred = Read(c["y_pred"]!);
        var perSample = loss.PerSample(yTrue, yPred).ToArray();
        var expected = c["per_sample"]!.AsArray().Select(v => v!.GetValue<double>()).ToArray();
        Assert.Equal(expected.Length, perSample.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - perSample[i]) <= 1e-5 * (1 + Math.Abs(expected[i])), $"{name} sample {i}: PyTorch {expected[i]}, Graft {perSample[i]}");
        Assert.Equal(c["mean"]!.GetValue<double>(), loss.Call(yTrue, yPred).Item(), 5);
    }
}
