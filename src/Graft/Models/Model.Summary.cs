using System.Globalization;
using System.Text;
using Graft.Layers;

namespace Graft.Models;

public partial class Model
{
    /// <summary>
    /// Keras's summary table: each layer's name, type, output shape and parameter count, then total,
    /// trainable and non-trainable parameters with their size. Printed through
    /// <paramref name="printFn"/> (default: the console) and returned.
    /// </summary>
    public string Summary(Action<string>? printFn = null)
    {
        var rows = new List<(string name, string shape, string pars)>();
        var shape = BuiltInputShape;
        foreach (var layer in Layers)
        {
            int?[]? outShape = null;
            if (shape is not null)
            {
                outShape = layer.ComputeOutputShape(shape);
                shape = outShape;
            }
            string pars = layer.Built ? layer.CountParams().ToString("N0", CultureInfo.InvariantCulture) : "0 (unbuilt)";
            rows.Add(($"{layer.Name} ({layer.ClassName})", outShape is null ? "?" : FormatShape(outShape), pars));
        }
        int w1 = Math.Max(31, rows.Select(r => r.name.Length + 2).DefaultIfEmpty(0).Max());
        int w2 = Math.Max(22, rows.Select(r => r.shape.Length + 2).DefaultIfEmpty(0).Max());
        int w3 = Math.Max(13, rows.Select(r => r.pars.Length + 2).DefaultIfEmpty(0).Max());
        var sb = new StringBuilder();
        sb.AppendLine($"Model: \"{Name}\"");
        sb.AppendLine($"┏{new string('━', w1 + 2)}┳{new string('━', w2 + 2)}┳{new string('━', w3 + 2)}┓");
        sb.AppendLine($"┃ {"Layer (type)".PadRight(w1)} ┃ {"Output Shape".PadRight(w2)} ┃ {"Param #".PadLeft(w3)} ┃");
        sb.AppendLine($"┡{new string('━', w1 + 2)}╇{new string('━', w2 + 2)}╇{new string('━', w3 + 2)}┩");
        for (int i = 0; i < rows.Count; i++)
        {
            sb.AppendLine($"│ {rows[i].name.PadRight(w1)} │ {rows[i].shape.PadRight(w2)} │ {rows[i].pars.PadLeft(w3)} │");
            if (i < rows.Count - 1) sb.AppendLine($"├{new string('─', w1 + 2)}┼{new string('─', w2 + 2)}┼{new string('─', w3 + 2)}┤");
        }
        sb.AppendLine($"└{new string('─', w1 + 2)}┴{new string('─', w2 + 2)}┴{new string('─', w3 + 2)}┘");
        long total = CountParams(), trainable = TrainableWeights.Sum(v => (long)v.Value.Size);
        sb.AppendLine($" Total params: {Count(total)}");
        sb.AppendLine($" Trainable params: {Count(trainable)}");
        sb.Append($" Non-trainable params: {Count(total - trainable)}");
        var text = sb.ToString();
        (printFn ?? Console.WriteLine)(text);
        return text;
    }

    private static string Count(long n) => $"{n.ToString("N0", CultureInfo.InvariantCulture)} ({ReadableSize(n * 4)})";

    /// <summary>Keras's readable_memory_size: powers of 1024, two decimals.</summary>
    private static string ReadableSize(double bytes)
    {
        string[] units = ["B", "KB", "MB", "GB", "TB"];
        int u = 0;
        while (bytes >= 1024 && u < units.Length - 1) { bytes /= 1024; u++; }
        return $"{bytes.ToString("F2", CultureInfo.InvariantCulture)} {units[u]}";
    }
}
