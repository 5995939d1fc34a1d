using System.Globalization;
using System.Text.Json.Nodes;
using Graft.Applications;
using Graft.Autograd;
using Graft.Models;
using Graft.Saving;
using Graft.Vision;

namespace Graft.Cli;

/// <summary>
/// <c>graft predict MODEL --images PATH... [--batch-size N] [--json]</c>: an image classifier on image
/// files (a folder stands for the images in it), printing the top classes of each by name. The names
/// are the <c>class_names</c> of the model's <c>metadata.json</c> (<c>graft finetune</c> writes them); for a
/// model without names and 1000 outputs (an ImageNet classifier: a Keras application with its top, an
/// ImageNet ONNX model), ImageNet's labels (<see cref="ImageNetUtils.Classes"/>); else the class indices.
/// Images are decoded and resized as <c>graft finetune</c> read them for training, and given channels
/// first to an ONNX model that takes them so; preprocessing belongs in the model.
/// </summary>
public static class ImagePrediction
{
    /// <summary>At most this many classes per image.</summary>
    public const int Top = 5;

    /// <summary>Runs the command; returns its exit code.</summary>
    public static int Run(Arguments a)
    {
        string path = a.Positional(0, "a model file");
        int batch = a.PositiveInt("--batch-size", 32);
        if (a.Option("--input") is not null || a.Option("--output") is not null)
            throw new UsageException("graft predict: expected either --images PATH... or --input/--output arrays, got both.");
        var images = Images([a.Required("--images"), .. Enumerable.Range(1, a.Count - 1).Select(i => a.Positional(i, "an image"))]);

        var model = Model.Load(path, compile: false);
        int?[]? shape = model is Sequential ? model.InputShape : model.Inputs.Count == 1 ? model.Inputs[0].Shape : null;
        // A model imported from ONNX may take NCHW images: channels on axis 1, and not on the last.
        bool channelsFirst = Path.GetExtension(path).Equals(".onnx", StringComparison.OrdinalIgnoreCase)
            && shape is [_, 1 or 3 or 4, int, int last] && last is not (1 or 3 or 4);
        if (channelsFirst) shape = [shape![0], shape[2], shape[3], shape[1]];
        if (shape is not [_, int h, int w, int c and (1 or 3 or 4)])
            throw new ArgumentException($"{path}: expected an image classifier with one input (batch, height, width, 1, 3 or 4 channels; channels first for ONNX), got {(shape is null ? "several inputs" : $"input shape {Graft.Layers.Layer.FormatShape(shape)}")}.");
        string colorMode = c switch { 1 => "grayscale", 3 => "rgb", _ => "rgba" };
        var stored = KerasMetadata.ReadClassNames(path);

        var rows = new List<(string Image, (string Name, string? WordNetId, double P)[] Top)>();
        foreach (var chunk in images.Chunk(batch))
        {
            var x = Ops.Stack(chunk.Select(f => ImageUtils.LoadImage(f, colorMode, (h, w))));
            if (channelsFirst) x = Ops.Permute(x, 0, 3, 1, 2);
            var y = model.Predict(x, batch, verbose: 0);
            if (y.Rank != 2) throw new ArgumentException($"{path}: expected class scores of shape (batch, classes), got {y.Shape}.");
            int units = y.Shape[1];
            var names = Names(path, stored, units);
            var values = y.ToArray();
            for (int i = 0; i < chunk.Length; i++)
            {
                // One sigmoid unit scores the second class; the first has the rest.
                var scores = units == 1 ? [(names[0].Name, names[0].WordNetId, 1 - (double)values[i]), (names[1].Name, names[1].WordNetId, values[i])]
                    : names.Select((n, k) => (n.Name, n.WordNetId, (double)values[i * units + k])).ToArray();
                // Most likely first; ties in class order (OrderBy is stable), as Keras's decode_predictions.
                rows.Add((chunk[i], scores.OrderByDescending(s => s.Item3).Take(Top).ToArray()));
            }
        }

        if (a.Flag("--json"))
        {
            Console.WriteLine(new JsonArray(rows.Select(r => (JsonNode?)new JsonObject
            {
                ["image"] = r.Image,
                ["top"] = new JsonArray(r.Top.Select(t => (JsonNode?)(t.WordNetId is null
                    ? new JsonObject { ["class"] = t.Name, ["probability"] = t.P }
                    : new JsonObject { ["class"] = t.Name, ["wordnet_id"] = t.WordNetId, ["probability"] = t.P })).ToArray()),
            }).ToArray()).ToJsonString());
            return 0;
        }
        foreach (var (image, top) in rows)
            Console.WriteLine($"{image}: {string.Join(", ", top.Select(t => $"{t.Name} {t.P.ToString("0.0000", CultureInfo.InvariantCulture)}"))}");
        return 0;
    }

    /// <summary>
    /// The name of each output class: the model's stored class names; ImageNet's labels (with their WordNet
    /// ids) for 1000 outputs without stored names; else the class indices.
    /// </summary>
    private static (string Name, string? WordNetId)[] Names(string path, IReadOnlyList<string>? stored, int units)
    {
        int classes = units == 1 ? 2 : units;
        if (stored is not null)
        {
            if (stored.Count != classes)
                throw new ModelFormatException(path, $"metadata.json/{KerasMetadata.ClassNamesKey}", $"expected {classes} class names for an output of {units} unit(s), got {stored.Count}.");
            return stored.Select(n => (n, (string?)null)).ToArray();
        }
        if (units == 1000) return ImageNetUtils.Classes.Select(c => (c.Label, (string?)c.WordNetId)).ToArray();
        return Enumerable.Range(0, classes).Select(i => (i.ToString(CultureInfo.InvariantCulture), (string?)null)).ToArray();
    }

    /// <summary>The files named, a folder standing for its image files (nested ones too, sorted).</summary>
    private static string[] Images(IEnumerable<string> paths)
    {
        var files = new List<string>();
        foreach (var p in paths)
        {
            if (File.Exists(p)) files.Add(p);
            else if (Directory.Exists(p))
            {
                var found = Directory.GetFiles(p, "*", SearchOption.AllDirectories).Where(ImageUtils.IsImageFile).Order(StringComparer.Ordinal).ToList();
                if (found.Count == 0) throw new ArgumentException($"--images: expected image files (.bmp, .gif, .jpeg, .jpg, .png) in the folder '{p}', got none.");
                files.AddRange(found);
            }
            else throw new FileNotFoundException($"--images: expected an image file or a folder, got '{p}', which does not exist.", p);
        }
        return files.ToArray();
    }
}
