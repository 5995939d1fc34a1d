using System.Text.Json.Nodes;
using Graft.Saving;

namespace Graft.Tests.Optimizers;

/// <summary>
/// CosineDecayRestarts, PolynomialDecay and InverseTimeDecay, read from Keras's serialized form inside
/// an optimizer config, step by step against PyTorch's schedulers where PyTorch has the same schedule
/// (Fixtures/torch/schedule_goldens.json, tools/torch/make_schedule_goldens.py) and against a float64
/// transcription of Keras's <c>__call__</c> for the options PyTorch lacks
/// (Fixtures/reference/schedule_goldens.json, tools/reference/make_schedule_goldens.py).
/// </summary>
public class ScheduleGoldenTests
{
    private static JsonArray Cases(string oracle) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", oracle, "schedule_goldens.json")))!["cases"]!.AsArray();

    public static IEnumerable<object[]> All =>
        new[] { "torch", "reference" }.SelectMany(o => Cases(o).Select((_, i) => new object[] { o, i }));

    [Theory]
    [MemberData(nameof(All))]
    public void MatchesStepByStep(string oracle, int index)
    {
        var c = Cases(oracle)[index]!;
        var optimizer = OptimizerConfig.Deserialize(new JsonObject
        {
            ["class_name"] = "SGD",
            ["config"] = new JsonObject
            {
                ["learning_rate"] = new JsonObject
                {
                    ["module"] = "keras.optimizers.schedules",
                    ["class_name"] = c["class_name"]!.GetValue<string>(),
                    ["config"] = c["config"]!.DeepClone(),
                },
            },
        });
        var schedule = optimizer.Schedule!;
        Assert.Equal(c["class_name"]!.GetValue<string>(), schedule.GetType().Name);
        var expected = c["learning_rates"]!.AsArray().Select(v => v!.GetValue<double>()).ToArray();
        for (int step = 0; step < expected.Length; step++)
        {
            double got = schedule.Call(step);
            Assert.True(Math.Abs(expected[step] - got) <= 1e-9 + 1e-7 * Math.Abs(expected[step]),
                $"{oracle} {c["class_name"]} {c["config"]!.ToJsonString()} step {step}: expected {expected[step]}, got {got}");
        }
    }
}
