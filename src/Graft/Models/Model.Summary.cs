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
        var connected = new List<string>();
        var shape = BuiltInputShape;
        if (Graph is { } graph)
        {
            var seen = new HashSet<Layer>(ReferenceEqualityComparer.Instance);
            foreach (var node in graph.Nodes)
            {
                bool first = seen.Add(node.Layer);
                string shapes = node.Outputs.Length == 1 ? FormatShape(node.Output.Shape) : "[" + string.Join(", ", node.Outputs.Select(o => FormatShape(o.Shape))) + "]";
                rows.Add(($"{node.Layer.Name} ({node.Layer.ClassName})", shapes,
                    first ? node.Layer.CountParams().ToString("N0", CultureInfo.InvariantCulture) : "0"));
                connected.Add(node.Inputs.Length == 0 ? "-" : string.Join(", ", node.Inputs.Select(i => $"{i.Layer.Name}[{i.Node.Index}][{i.Index}]")));
            }
        }
        else foreach (var layer in Layers)
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
        bool graphTable = connected.Count > 0;
        int w4 = graphTable ? Math.Max(20, connected.Max(c => c.Length + 2)) : 0;
        string Line(char l, char h, char m, char r) =>
            $"{l}{new string(h, w1 + 2)}{m}{new string(h, w2 + 2)}{m}{new string(h, w3 + 2)}" + (graphTable ? $"{m}{new string(h, w4 + 2)}" : "") + r;
        var sb = new StringBuilder();
        sb.AppendLine($"Model: \"{Name}\"");
        sb.AppendLine(Line('┏', '━', '┳', '┓'));
        sb.AppendLine($"┃ {"Layer (type)".PadRight(w1)} ┃ {"Output Shape".PadRight(w2)} ┃ {"Param #".PadLeft(w3)} ┃" + (graphTable ? $" {"Connected to".PadRight(w4)} ┃" : ""));
        sb.AppendLine(Line('┡', '━', '╇', '┩'));
        for (int i = 0; i < rows.Count; i++)
        {
            sb.AppendLine($"│ {rows[i].name.PadRight(w1)} │ {rows[i].shape.PadRight(w2)} │ {rows[i].pars.PadLeft(w3)} │" + (graphTable ? $" {connected[i].PadRight(w4)} │" : ""));
            if (i < rows.Count - 1) sb.AppendLine(Line('├', '─', '┼', '┤'));
        }
        sb.AppendLine(Line('└', '─', '┴', '┘'));
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
