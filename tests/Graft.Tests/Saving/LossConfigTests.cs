using System.Text.Json.Nodes;
using Graft.Layers.Core;
using Graft.Losses;
using Graft.Models;
using Graft.Saving;

namespace Graft.Tests.Saving;

/// <summary>
/// Every loss, with its options and reduction, survives Keras 3's <c>compile_config</c> and Keras 2's
/// <c>training_config</c>, and Keras's identifiers and class objects resolve to it.
/// </summary>
public class LossConfigTests
{
    public static IEnumerable<object[]> Losses()
    {
        foreach (bool keras3 in new[] { true, false })
        {
            yield return [keras3, new BinaryFocalCrossentropy(applyClassBalancing: true, alpha: 0.4f, gamma: 3, fromLogits: true, labelSmoothing: 0.1f)];
            yield return [keras3, new BinaryFocalCrossentropy()];
            yield return [keras3, new CategoricalFocalCrossentropy(alpha: 0.5f, gamma: 1, fromLogits: true, labelSmoothing: 0.2f)];
            yield return [keras3, new SparseCategoricalCrossentropy(fromLogits: true, ignoreClass: 255)];
            yield return [keras3, new CosineSimilarity(axis: 1) { Reduction = "sum" }];
            yield return [keras3, new Dice(axis: [1, 2])];
            yield return [keras3, new Tversky(alpha: 0.3f, beta: 0.7f)];
            yield return [keras3, new Poisson { Reduction = "none" }];
            yield return [keras3, new LogCosh()];
            yield return [keras3, new MeanSquaredLogarithmicError { Reduction = "mean" }];
            yield return [keras3, new MeanAbsolutePercentageError()];
            yield return [keras3, new SquaredHinge()];
            yield return [keras3, new CategoricalHinge { Reduction = "sum" }];
        }
    }

    [Theory]
    [MemberData(nameof(Losses))]
    public void RoundTrips(bool keras3, Loss loss)
    {
        var model = new Sequential([new Dense(3, inputShape: [4])]);
        model.Compile(loss, "adam");
        var config = keras3 ? TrainingConfig.Serialize(model) : TrainingConfig.SerializeKeras2(model);
        var again = new Sequential([new Dense(3, inputShape: [4])]);
        Assert.True(TrainingConfig.TryCompile(again, JsonNode.Parse(config.ToJsonString())!.AsObject(), out var reason), reason);
        Assert.Equal(loss.GetType(), again.Loss!.GetType());
        Assert.Equal(Describe(loss), Describe(again.Loss));
    }

    private static string Describe(Loss l) => string.Join(", ", l.GetType().GetProperties().OrderBy(p => p.Name)
        .Select(p => $"{p.Name}={(p.GetValue(l) is int[] a ? string.Join("/", a) : p.GetValue(l))}"));

    [Fact]
    public void KerasObjectsAndAliasesResolve()
    {
        Assert.IsType<MeanAbsolutePercentageError>(Read("\"mape\""));
        Assert.IsType<MeanSquaredLogarithmicError>(Read("\"MSLE\""));
        Assert.IsType<LogCosh>(Read("\"logcosh\""));
        // What Keras 3 writes for SparseCategoricalCrossentropy(ignore_class=0, reduction=None).
        var s = Assert.IsType<SparseCategoricalCrossentropy>(Read("""
            {"module": "keras.losses", "class_name": "SparseCategoricalCrossentropy", "config": {"name": "sparse_categorical_crossentropy",
             "reduction": null, "from_logits": true, "ignore_class": 0, "axis": -1}, "registered_name": null}
            """));
        Assert.Equal(0, s.IgnoreClass);
        Assert.Equal("none", s.Reduction);
        var d = Assert.IsType<Dice>(Read("""{"class_name": "Dice", "config": {"name": "dice", "reduction": "sum", "axis": 2}}"""));
        Assert.Equal([2], d.Axis!);
        Assert.Equal("sum", d.Reduction);
        Assert.Equal("sum_over_batch_size", Read("""{"class_name": "Poisson", "config": {"name": "poisson", "reduction": "auto"}}""").Reduction);
        // A class axis other than the last is recognised and refused.
        var model = new Sequential([new Dense(3, inputShape: [4])]);
        var cc = new JsonObject { ["optimizer"] = "adam", ["loss"] = JsonNode.Parse("""{"class_name": "SparseCategoricalCrossentropy", "config": {"axis": 1}}""") };
        Assert.False(TrainingConfig.TryCompile(model, cc, out var reason));
        Assert.Contains("expected axis -1, got 1", reason);
    }

    private static Loss Read(string lossJson)
    {
        var model = new Sequential([new Dense(3, inputShape: [4])]);
        var cc = new JsonObject { ["optimizer"] = "adam", ["loss"] = JsonNode.Parse(lossJson) };
        Assert.True(TrainingConfig.TryCompile(model, cc, out var reason), reason);
        return model.Loss!;
    }
}
