using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Graft.Data;
using Graft.Layers;
using Graft.Models;
using Graft.Saving;
using Graft.Tensors;

namespace Graft.Cli;

/// <summary>The commands; each returns its exit code and leaves all model logic to the library.</summary>
public static class Commands
{
    /// <summary>
    /// <c>graft summary FILE [--config CONFIG.json] [--json]</c>: Keras's summary table of a model,
    /// or the list of stored weights of a weights-only file.
    /// </summary>
    public static int Summary(Arguments a)
    {
        string path = a.Positional(0, "a model file (or a weights-only file)");
        if (a.Option("--config") is null && WeightsFileListing.TryRead(path) is { } listing)
            return ListWeights(path, listing.Layout, listing.Weights, a.Flag("--json"));
        var model = LoadModel(a, path, "summary", compile: false);
        if (a.Flag("--json")) Console.WriteLine(SummaryJson(model).ToJsonString());
        else model.Summary(Console.Out);
        return 0;
    }

    /// <summary>The summary as JSON, from the library's own rows: a functional model's shapes are those its graph recorded.</summary>
    private static JsonObject SummaryJson(Model model)
    {
        var layers = new JsonArray();
        foreach (var row in model.SummaryRows)
        {
            JsonNode? shape = row.OutputShapes switch
            {
                null => null,
                [var only] => Shape(only),
                var several => new JsonArray(several.Select(s => (JsonNode?)Shape(s)).ToArray()),
            };
            layers.Add(new JsonObject
            {
                ["name"] = row.Layer.Name, ["class_name"] = row.Layer.ClassName, ["output_shape"] = shape,
                ["params"] = row.Params, ["trainable"] = row.Layer.Trainable,
                ["connected_to"] = new JsonArray(row.ConnectedTo.Select(c => (JsonNode?)c).ToArray()),
            });
        }
        long total = model.CountParams(), trainable = model.TrainableWeights.Sum(v => (long)v.Value.Size);
        return new JsonObject
        {
            ["name"] = model.Name, ["class_name"] = model.ClassName,
            ["input_names"] = Strings(model.InputNames), ["output_names"] = Strings(model.OutputNames), ["layers"] = layers,
            ["total_params"] = total, ["trainable_params"] = trainable, ["non_trainable_params"] = total - trainable,
        };
    }

    private static JsonArray Shape(int?[] shape) => new(shape.Select(d => (JsonNode?)d).ToArray());

    private static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode?)v).ToArray());

    /// <summary>What a weights-only file holds: layer, weight name, shape and count of each stored weight.</summary>
    private static int ListWeights(string path, string layout, IReadOnlyList<StoredWeight> weights, bool json)
    {
        long total = weights.Sum(w => w.Count);
        if (json)
        {
            Console.WriteLine(new JsonObject
            {
                ["file"] = path, ["weights_only"] = true, ["layout"] = layout,
                ["weights"] = new JsonArray(weights.Select(w => (JsonNode?)new JsonObject
                {
                    ["layer"] = w.Layer, ["name"] = w.Name, ["shape"] = new JsonArray(w.Shape.Select(d => (JsonNode?)d).ToArray()), ["count"] = w.Count,
                }).ToArray()),
                ["total_params"] = total,
            }.ToJsonString());
            return 0;
        }
        string kind = layout == WeightsFileListing.Keras2 ? "Keras 2 layout: layer_names / weight_names" : "Keras 3 layout: layers/<key>/vars/<i>";
        var sb = new StringBuilder();
        sb.AppendLine($"Weights file: \"{path}\" ({kind}); weights only, no architecture");
        sb.Append(Table(["Layer", "Weight", "Shape", "Count"], [false, false, false, true],
            weights.Select(w => new[] { w.Layer, w.Name, Layer.FormatShape(w.Shape.Select(d => (int?)d).ToArray()), w.Count.ToString("N0", CultureInfo.InvariantCulture) }).ToList()));
        sb.AppendLine($" Total: {total.ToString("N0", CultureInfo.InvariantCulture)} values in {weights.Count} weights");
        sb.Append(" To summarize, run or convert the model, give its architecture too: --config CONFIG.json (Keras's model.to_json()).");
        Console.WriteLine(sb.ToString());
        return 0;
    }

    /// <summary>A table drawn as Keras draws its summary.</summary>
    private static string Table(string[] header, bool[] rightAligned, List<string[]> rows)
    {
        var widths = header.Select((h, c) => Math.Max(h.Length, rows.Select(r => r[c].Length).DefaultIfEmpty(0).Max()) + 1).ToArray();
        string Line(char l, char h, char m, char r) => l + string.Join(m, widths.Select(w => new string(h, w + 2))) + r;
        string Row(string[] cells, char bar) =>
            bar + string.Join(bar, cells.Select((c, i) => " " + (rightAligned[i] ? c.PadLeft(widths[i]) : c.PadRight(widths[i])) + " ")) + bar;
        var sb = new StringBuilder();
        sb.AppendLine(Line('┏', '━', '┳', '┓'));
        sb.AppendLine(Row(header, '┃'));
        sb.AppendLine(Line('┡', '━', '╇', '┩'));
        for (int i = 0; i < rows.Count; i++)
        {
            sb.AppendLine(Row(rows[i], '│'));
            if (i < rows.Count - 1) sb.AppendLine(Line('├', '─', '┼', '┤'));
        }
        sb.AppendLine(Line('└', '─', '┴', '┘'));
        return sb.ToString();
    }

    /// <summary>
    /// <c>graft predict FILE --input X.npy|X.npz --output Y.npy|Y.npz [--batch-size N] [--config CONFIG.json]</c>:
    /// every output of the model; several inputs or outputs travel as .npz archives keyed by name.
    /// </summary>
    public static int Predict(Arguments a)
    {
        if (a.Option("--images") is not null) return ImagePrediction.Run(a);
        string path = a.Positional(0, "a model file");
        string input = a.Required("--input"), output = a.Required("--output");
        int batch = a.PositiveInt("--batch-size", 32);
        bool npz = Extension(output, "--output") == ".npz";
        Extension(input, "--input");
        var model = LoadModel(a, path, "predict", compile: false);
        var names = model.OutputNames;
        if (!npz && names.Count != 1)
            throw new UsageException($"graft predict: expected an .npz output path for a model with {names.Count} outputs ({string.Join(", ", names)}), got '{output}': "
                + $"a .npy file holds one array. Use --output {Path.ChangeExtension(output, ".npz")} (one array per output, keyed by output name).");
        var inputs = ReadInputs(input, model);
        var ys = model.PredictOutputs(inputs, batch, verbose: 0);
        if (npz) Npz.Save(output, names.Zip(ys, KeyValuePair.Create));
        else Npy.Save(output, ys[0]);
        for (int i = 0; i < ys.Count; i++)
            Console.WriteLine($"{output}{(npz ? $" [{names[i]}]" : "")}: {ys[i].Shape} predictions for {inputs[0].Shape[0]} samples");
        return 0;
    }

    private static string Extension(string path, string option)
    {
        string ext = Path.GetExtension(path).ToLowerInvariant();
        return ext is ".npy" or ".npz" ? ext : throw new UsageException($"graft predict: expected {option} to name a .npy or .npz file, got '{path}'.");
    }

    /// <summary>
    /// The model's inputs from a .npy (one input) or a .npz: keyed by input name, or <c>arr_0</c>,
    /// <c>arr_1</c>, … in input order as <c>np.savez(f, a, b)</c> writes them; a single array feeds a
    /// single input whatever its key. Each is checked against the shape the model expects.
    /// </summary>
    private static Tensor[] ReadInputs(string path, Model model)
    {
        var names = model.InputNames;
        (string label, Tensor x)[] inputs;
        if (Path.GetExtension(path).Equals(".npy", StringComparison.OrdinalIgnoreCase))
        {
            if (names.Count != 1)
                throw new ArgumentException($"{path}: expected {names.Count} inputs ({string.Join(", ", names)}), got one array. Pass an .npz with one array per input, keyed by input name (np.savez(f, {string.Join(", ", names.Select(n => $"{n}=…"))})).");
            inputs = [(path, Npy.Load(path))];
        }
        else
        {
            var arrays = Npz.Load(path);
            var positional = Enumerable.Range(0, names.Count).Select(i => $"arr_{i}").ToArray();
            string[] keys = arrays.Count == names.Count && names.All(arrays.ContainsKey) ? names.ToArray()
                : arrays.Count == names.Count && positional.All(arrays.ContainsKey) ? positional
                : names.Count == 1 && arrays.Count == 1 ? [arrays.Keys.First()]
                : throw new ArgumentException($"{path}: expected arrays named ({string.Join(", ", names)}) or ({string.Join(", ", positional)}) in input order, got ({string.Join(", ", arrays.Keys)}).");
            inputs = keys.Select(k => ($"{path} [{k}]", arrays[k])).ToArray();
        }
        int?[]?[] expected = model is Sequential ? new[] { model.InputShape } : model.Inputs.Select(i => i.Shape).ToArray();
        for (int i = 0; i < inputs.Length; i++)
        {
            var (label, x) = inputs[i];
            if (expected[i] is { } shape && (x.Rank != shape.Length || shape.Skip(1).Zip(x.Shape.Dims.Skip(1)).Any(p => p.First is int d && d != p.Second)))
                throw new ArgumentException($"{label}: expected an array of shape {Layer.FormatShape(shape)} (any number of samples) for input '{names[i]}', got {x.Shape}.");
        }
        return inputs.Select(p => p.x).ToArray();
    }

    /// <summary><c>graft convert IN OUT [--config CONFIG.json]</c> between .h5 and .keras, or to .onnx.</summary>
    public static int Convert(Arguments a)
    {
        string input = a.Positional(0, "an input model file"), output = a.Positional(1, "an output path (.h5, .keras or .onnx)");
        var model = LoadModel(a, input, "convert", compile: true);
        model.Save(output);
        Console.WriteLine($"{input} → {output}");
        return 0;
    }

    /// <summary>
    /// The model in <paramref name="path"/>; with <c>--config</c>, the architecture from that JSON
    /// (Keras's <c>model.to_json()</c> or a <c>.keras</c> archive's config.json) with the weights from <paramref name="path"/>.
    /// </summary>
    private static Model LoadModel(Arguments a, string path, string command, bool compile)
    {
        if (a.Option("--config") is { } config)
        {
            var model = Model.FromJson(File.ReadAllText(config));
            model.LoadWeights(path);
            return model;
        }
        if (WeightsFileListing.TryRead(path) is not null)
            throw new UsageException($"graft {command}: expected a full model, got a weights-only file '{path}'. Give the architecture too: --config CONFIG.json "
                + $"(Keras's model.to_json()); 'graft summary {path}' lists the stored weights.");
        return Model.Load(path, compile);
    }
}
