using System.Globalization;
using System.Text;
using Graft.Layers;

namespace Graft.Models;

public partial class Model
{
    /// <summary>
    /// The summary's rows, one per layer call of a functional model (output shapes as its graph
    /// recorded them, so branches and merges show their own shapes) or one per layer of a
    /// Sequential (shapes chained from the built input shape). <see cref="Summary()"/> formats them;
    /// <c>graft summary --json</c> writes them.
    /// </summary>
    internal IReadOnlyList<SummaryRow> SummaryRows
    {
        get
        {
            var rows = new List<SummaryRow>();
            if (Graph is { } graph)
            {
                var seen = new HashSet<Layer>(ReferenceEqualityComparer.Instance);
                foreach (var node in graph.Nodes)
                    rows.Add(new SummaryRow(node.Layer, node.Outputs.Select(o => o.Shape).ToArray(), seen.Add(node.Layer) ? node.Layer.CountParams() : 0,
                        node.Inputs.Select(i => $"{i.Layer.Name}[{i.Node.Index}][{i.Index}]").ToArray()));
                return rows;
            }
            var shape = BuiltInputShape;
            foreach (var layer in Layers)
            {
                shape = shape is null ? null : layer.ComputeOutputShape(shape);
                rows.Add(new SummaryRow(layer, shape is null ? null : [shape], layer.Built ? layer.CountParams() : null, []));
            }
            return rows;
        }
    }

    /// <summary>
    /// Keras's summary table: each layer's name, type, output shape and parameter count, then total,
    /// trainable and non-trainable parameters with their size. Returned, not printed: the library
    /// writes nothing to the console (<c>Console.WriteLine(model.Summary())</c> prints it).
    /// </summary>
    public string Summary()
    {
        var summary = SummaryRows;
        var rows = summary.Select(r => (
            name: $"{r.Layer.Name} ({r.Layer.ClassName})",
            shape: r.OutputShapes is null ? "?" : r.OutputShapes.Count == 1 ? FormatShape(r.OutputShapes[0]) : "[" + string.Join(", ", r.OutputShapes.Select(FormatShape)) + "]",
            pars: r.Params is { } p ? p.ToString("N0", CultureInfo.InvariantCulture) : "0 (unbuilt)")).ToList();
        var connected = Graph is null ? [] : summary.Select(r => r.ConnectedTo.Count == 0 ? "-" : string.Join(", ", r.ConnectedTo)).ToList();
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
        return sb.ToString();
    }

    /// <summary>Writes the <see cref="Summary()"/> table to <paramref name="writer"/>, as one block ending with a new line; returns it.</summary>
    public string Summary(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var text = Summary();
        writer.WriteLine(text);
        return text;
    }

    /// <summary>Passes the <see cref="Summary()"/> table to <paramref name="printFn"/> (Keras's <c>print_fn</c>) and returns it.</summary>
    public string Summary(Action<string> printFn)
    {
        ArgumentNullException.ThrowIfNull(printFn);
        var text = Summary();
        printFn(text);
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
