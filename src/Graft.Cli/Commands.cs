using System.Text.Json.Nodes;
using Graft.Data;
using Graft.Layers;
using Graft.Models;

namespace Graft.Cli;

/// <summary>The commands; each returns its exit code and leaves all model logic to the library.</summary>
public static class Commands
{
    /// <summary><c>graft summary FILE [--json]</c>.</summary>
    public static int Summary(Arguments a)
    {
        var model = Model.Load(a.Positional(0, "a model file"), compile: false);
        if (!a.Flag("--json")) { model.Summary(); return 0; }
        var layers = new JsonArray();
        var shape = model.InputShape;
        foreach (var layer in model.Layers)
        {
            shape = shape is null ? null : layer.ComputeOutputShape(shape);
            layers.Add(new JsonObject
            {
                ["name"] = layer.Name, ["class_name"] = layer.ClassName,
                ["output_shape"] = shape is null ? null : new JsonArray(shape.Select(d => (JsonNode?)d).ToArray()),
                ["params"] = layer.CountParams(), ["trainable"] = layer.Trainable,
            });
        }
        long total = model.CountParams(), trainable = model.TrainableWeights.Sum(v => (long)v.Value.Size);
        Console.WriteLine(new JsonObject
        {
            ["name"] = model.Name, ["layers"] = layers,
            ["total_params"] = total, ["trainable_params"] = trainable, ["non_trainable_params"] = total - trainable,
        }.ToJsonString());
        return 0;
    }

    /// <summary><c>graft predict FILE --input X.npy --output Y.npy [--batch-size N]</c>.</summary>
    public static int Predict(Arguments a)
    {
        var model = Model.Load(a.Positional(0, "a model file"), compile: false);
        string input = a.Required("--input"), output = a.Required("--output");
        int batch = a.PositiveInt("--batch-size", 32);
        var x = Npy.Load(input);
        if (model.InputShape is { } expected && (x.Rank != expected.Length || expected.Skip(1).Zip(x.Shape.Skip(1)).Any(p => p.First is int d && d != p.Second)))
            throw new ArgumentException($"{input}: expected an array of shape {Layer.FormatShape(expected)} (any number of samples), got {x.Shape}.");
        var y = model.Predict(x, batch);
        Npy.Save(output, y);
        Console.WriteLine($"{output}: {y.Shape} predictions for {x.Shape[0]} samples");
        return 0;
    }

    /// <summary><c>graft convert IN OUT</c> between .h5 and .keras.</summary>
    public static int Convert(Arguments a)
    {
        string input = a.Positional(0, "an input model file"), output = a.Positional(1, "an output path (.h5 or .keras)");
        var model = Model.Load(input);
        model.Save(output);
        Console.WriteLine($"{input} → {output}");
        return 0;
    }
}
