using System.Text.Json.Nodes;
using Graft.Layers.Recurrent;
using Graft.Layers.Wrappers;
using Graft.Models;
using Graft.Saving;

namespace Graft.Tests.Saving;

/// <summary>
/// The Keras version that wrote a config travels with each read, explicitly: it reaches layers
/// nested in wrappers and models, and never outlives the read.
/// </summary>
public class ModelConfigVersionTests
{
    private static JsonObject Lstm(string name) => new()
    {
        ["class_name"] = "LSTM",
        ["config"] = new JsonObject { ["name"] = name, ["units"] = 2, ["activation"] = "tanh", ["recurrent_activation"] = "hard_sigmoid", ["return_sequences"] = true },
    };

    /// <summary>A Sequential: input (3, 4), Bidirectional(LSTM with hard_sigmoid gates), TimeDistributed(Dense with hard_sigmoid).</summary>
    private static JsonObject Config() => (JsonObject)JsonNode.Parse("""
        {"class_name": "Sequential", "config": {"name": "seq", "layers": [
          {"class_name": "InputLayer", "config": {"name": "in", "batch_input_shape": [null, 3, 4]}},
          {"class_name": "Bidirectional", "config": {"name": "bi", "merge_mode": "concat", "layer": LSTM_F}},
          {"class_name": "TimeDistributed", "config": {"name": "td", "layer":
            {"class_name": "Dense", "config": {"name": "dense", "units": 1, "activation": "hard_sigmoid"}}}}
        ]}}
        """.Replace("LSTM_F", Lstm("fwd").ToJsonString()))!;

    private static (string Forward, string Backward, string Dense) Activations(Model model)
    {
        var bi = (Bidirectional)model.Layers.First(l => l.Name == "bi");
        var td = (TimeDistributed)model.Layers.First(l => l.Name == "td");
        return (((Graft.Layers.Recurrent.RecurrentBase)bi.ForwardLayer).RecurrentActivation.Name, ((Graft.Layers.Recurrent.RecurrentBase)bi.BackwardLayer).RecurrentActivation.Name, ((Graft.Layers.Core.Dense)td.Layer).Activation.Name);
    }

    [Fact]
    public void AKeras2VersionReachesTheLayersInsideWrappers()
    {
        var model = ModelConfig.Build(Config(), "test config", kerasVersion: "2.3.1");
        Assert.Equal(("hard_sigmoid_keras2", "hard_sigmoid_keras2", "hard_sigmoid_keras2"), Activations(model));
    }

    [Fact]
    public void TheVersionInTheDocumentCountsWhenTheFileGivesNone()
    {
        var root = Config();
        root["keras_version"] = "1.2.2";
        Assert.Equal(("hard_sigmoid_keras2", "hard_sigmoid_keras2", "hard_sigmoid_keras2"), Activations(ModelConfig.Build(root, "test config")));
    }

    [Fact]
    public void WithoutAVersionTodaysMeaningHoldsAndAnEarlierReadDoesNotLeak()
    {
        ModelConfig.Build(Config(), "test config", kerasVersion: "2.3.1");
        var model = ModelConfig.Build(Config(), "test config");
        Assert.Equal(("hard_sigmoid", "hard_sigmoid", "hard_sigmoid"), Activations(model));
        // A clone reads Graft's own config, which names the Keras 2 variant itself.
        var old = ModelConfig.Build(Config(), "test config", kerasVersion: "2.3.1");
        Assert.Equal(("hard_sigmoid_keras2", "hard_sigmoid_keras2", "hard_sigmoid_keras2"), Activations(old.Clone()));
    }

    [Fact]
    public void ReadsOnManyThreadsKeepTheirOwnVersions()
    {
        var results = new System.Collections.Concurrent.ConcurrentBag<bool>();
        Parallel.For(0, 16, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            bool keras2 = i % 2 == 0;
            var model = ModelConfig.Build(Config(), "test config", kerasVersion: keras2 ? "2.3.1" : "3.4.1");
            string expected = keras2 ? "hard_sigmoid_keras2" : "hard_sigmoid";
            results.Add(Activations(model) == (expected, expected, expected));
        });
        Assert.All(results, Assert.True);
    }
}
