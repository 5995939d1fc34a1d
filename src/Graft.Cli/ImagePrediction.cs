using System.Globalization;
using System.Text.Json.Nodes;
using Graft.Models;
using Graft.Saving;
using Graft.Vision;

namespace Graft.Cli;

/// <summary>
/// <c>graft predict MODEL --images PATH... [--batch-size N] [--json]</c>: an image classifier on image
/// files (a folder stands for the images in it), printing the top classes of each by name. The names
/// are the <c>class_names</c> of the model's <c>metadata.json</c> (<c>graft finetune</c> writes them), else
/// the class indices. Images are decoded and resized as <c>graft finetune</c> read them for training;
/// preprocessing belongs in the model.
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
        if (shape is not [_, int h, int w, int c and (1 or 3 or 4)])
            throw new ArgumentException($"{path}: expected an image classifier with one input (batch, height, width, 1, 3 or 4 channels), got {(shape is null ? "several inputs" : $"input shape {Graft.Layers.Layer.FormatShape(shape)}")}.");
        string colorMode = c switch { 1 => "grayscale", 3 => "rgb", _ => "rgba" };
        var stored = KerasMetadata.ReadClassNames(path);

        var rows = new List<(string Image, (string Name, double P)[] Top)>();
        foreach (var chunk in images.Chunk(batch))
        {
            var x = Graft.Autograd.Ops.Stack(chunk.Select(f => ImageUtils.LoadImage(f, colorMode, (h, w))));
            var y = model.Predict(x, batch, verbose: 0);
            if (y.Rank != 2) throw new ArgumentException($"{path}: expected class scores of shape (batch, classes), got {y.Shape}.");
            int units = y.Shape[1];
            var names = stored ?? Enumerable.Range(0, units == 1 ? 2 : units).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
            if (names.Count != (units == 1 ? 2 : units))
                throw new ModelFormatException(path, $"metadata.json/{KerasMetadata.ClassNamesKey}", $"expected {(units == 1 ? 2 : units)} class names for an output of {units} unit(s), got {names.Count}.");
            var values = y.ToArray();
            for (int i = 0; i < chunk.Length; i++)
            {
                // One sigmoid unit scores the second class; the first has the rest.
                var scores = units == 1 ? [(names[0], 1 - (double)values[i]), (names[1], values[i])]
                    : names.Select((n, k) => (n, (double)values[i * units + k])).ToArray();
                rows.Add((chunk[i], scores.OrderByDescending(s => s.Item2).Take(Top).ToArray()));
            }
        }

        if (a.Flag("--json"))
        {
            Console.WriteLine(new JsonArray(rows.Select(r => (JsonNode?)new JsonObject
            {
                ["image"] = r.Image,
                ["top"] = new JsonArray(r.Top.Select(t => (JsonNode?)new JsonObject { ["class"] = t.Name, ["probability"] = t.P }).ToArray()),
            }).ToArray()).ToJsonString());
            return 0;
        }
        foreach (var (image, top) in rows)
            Console.WriteLine($"{image}: {string.Join(", ", top.Select(t => $"{t.Name} {t.P.ToString("0.0000", CultureInfo.InvariantCulture)}"))}");
        return 0;
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
