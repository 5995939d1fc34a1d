using System.Text;
using System.Text.RegularExpressions;
using Graft.Tests.Testing;

namespace Graft.Tests.Architecture;

/// <summary>
/// The layers of docs/architecture.md, enforced on the source: a file may use its own layer and those
/// below it. A reference upward fails unless it is one of the known exceptions listed below (and in
/// the document), and an exception that no longer holds fails too, so the list only shrinks on purpose.
/// </summary>
/// <remarks>
/// References are read from the source text, as C# resolves names: <c>using</c> directives, names
/// qualified from <c>Graft.</c> or from an enclosing namespace (<c>Saving.KerasObjects</c> inside
/// <c>Graft.Layers</c>), and types of an enclosing namespace used unqualified (<c>GraftContext</c> anywhere
/// under <c>Graft</c>). Comments and string literals are skipped, the holes of interpolated strings
/// with them (they should hold no cross-layer calls anyway). A file belongs to the layer of the
/// longest folder prefix that names it.
/// </remarks>
public class LayeringTests
{
    /// <summary>Lowest first; the names and folders of docs/architecture.md.</summary>
    private static readonly (string Name, string[] Paths)[] Layers =
    [
        ("Storage", ["src/Graft/Tensors/", "src/Graft/GraftContext.cs", "src/Graft/Logging.cs", "src/Graft/IProcessGroup.cs"]),
        ("Backends and kernels", ["src/Graft/Tensors/Backends/", "src/Graft/Tensors/Kernels/"]),
        ("Ops and autograd", ["src/Graft/Autograd/", "src/Graft/Activations/"]),
        ("Datasets", ["src/Graft/Datasets/"]),
        ("Weight options", ["src/Graft/Config/", "src/Graft/Initializers/", "src/Graft/Regularizers/", "src/Graft/Constraints/"]),
        ("Layers", ["src/Graft/Layers/"]),
        ("Models", ["src/Graft/Models/", "src/Graft/Keras.cs"]),
        ("Training", ["src/Graft/Training/", "src/Graft/Losses/", "src/Graft/Metrics/", "src/Graft/Optimizers/", "src/Graft.Distributed/"]),
        ("Saving", ["src/Graft/Saving/", "src/Graft/Data/", "src/Graft.Onnx/", "src/Graft.Vision/"]),
        ("Applications", ["src/Graft/Applications/"]),
        ("CLI", ["src/Graft.Cli/"]),
    ];

    /// <summary>
    /// Every upward reference the code has today: a file, the layer above its own that it uses, and
    /// why. "Design" entries are façades that stay; "Debt" entries are to be removed. Keep in step
    /// with the "Known exceptions" section of docs/architecture.md.
    /// </summary>
    private static readonly (string File, string Uses, string Reason)[] KnownExceptions =
    [
        ("src/Graft/Tensors/Tensor.cs", "Backends and kernels", "Design: a tensor copies through its device's backend (the device seam)."),
        ("src/Graft/Tensors/Tensor.Creation.cs", "Backends and kernels", "Design: allocation and fills go to the device's backend."),
        ("src/Graft/Tensors/Tensor.Autograd.cs", "Backends and kernels", "Design: gradient accumulation is a backend add."),
        ("src/Graft/Tensors/Tensor.cs", "Ops and autograd", "Design: x.Backward() and the tensor's GradNode, as in PyTorch."),
        ("src/Graft/Tensors/Tensor.Autograd.cs", "Ops and autograd", "Design: an op's result records its GradNode."),
        ("src/Graft/Tensors/Tensor.Operators.cs", "Ops and autograd", "Design: a + b is Ops.Add(a, b)."),
        ("src/Graft/Tensors/Tensor.Indexing.cs", "Ops and autograd", "Design: x[..] is Ops.Slice and Ops.Reshape."),
        ("src/Graft/Layers/Layer.cs", "Models", "Debt: a symbolic call records a Node in Models' FunctionalGraph."),
        ("src/Graft/Layers/Core/InputLayer.cs", "Models", "Debt: creates its SymbolicTensor through Models' FunctionalGraph."),
        ("src/Graft/Layers/Merging/Merge.cs", "Models", "Debt: overrides the symbolic call for several inputs."),
        ("src/Graft/Layers/Attention/AttentionBase.cs", "Models", "Debt: the symbolic call with use_causal_mask."),
        ("src/Graft/Layers/Attention/MultiHeadAttention.cs", "Models", "Debt: the symbolic call with use_causal_mask."),
        ("src/Graft/Layers/Recurrent/RecurrentLayer.cs", "Models", "Debt: overrides the symbolic call for initial states."),
        ("src/Graft/Layers/Wrappers/Bidirectional.cs", "Models", "Debt: overrides the symbolic call for initial states."),
        ("src/Graft/Models/Model.Saving.cs", "Saving", "Design: Keras's model.save and load_weights, delegating to Saving."),
        ("src/Graft/Models/Model.Training.cs", "Training", "Design: Keras's model.compile and fit, delegating to Training."),
        ("src/Graft/Models/Model.Prediction.cs", "Training", "Design: Keras's model.predict and evaluate, delegating to Training."),
        ("src/Graft/Training/Callbacks/BackupAndRestore.cs", "Saving", "Debt: restores optimizer state from the file itself, not through Model."),
    ];

    [Fact]
    public void NoFileUsesALayerAboveItsOwn()
    {
        var allowed = KnownExceptions.Select(e => (e.File, e.Uses)).ToHashSet();
        var violations = UpwardReferences()
            .Where(r => !allowed.Contains((r.File, Layers[r.UsedLayer].Name)))
            .Select(r => $"{r.File} ({Layers[r.FileLayer].Name}) uses {r.Name} ({Layers[r.UsedLayer].Name})")
            .Distinct().ToList();
        Assert.True(violations.Count == 0,
            "Layering: expected each file to use only its own layer and those below it, got:\n  " + string.Join("\n  ", violations) +
            "\nMove the code to the layer it belongs to (docs/architecture.md). An exception that must stay is listed in " +
            "LayeringTests.KnownExceptions with its reason and in the document's known exceptions.");
    }

    [Fact]
    public void EveryKnownExceptionIsStillNeeded()
    {
        var actual = UpwardReferences().Select(r => (r.File, Layers[r.UsedLayer].Name)).ToHashSet();
        var stale = KnownExceptions.Where(e => !actual.Contains((e.File, e.Uses)))
            .Select(e => $"{e.File} -> {e.Uses}").ToList();
        Assert.True(stale.Count == 0,
            "Layering: expected every known exception to still hold, got these no longer needed:\n  " + string.Join("\n  ", stale) +
            "\nDelete their entries from LayeringTests.KnownExceptions and from docs/architecture.md.");
    }

    [Fact]
    public void EveryKnownExceptionIsInTheDocument()
    {
        string doc = File.ReadAllText(Path.Combine(RepositoryData.Root, "docs", "architecture.md"));
        var missing = KnownExceptions.Select(e => e.File).Distinct()
            .Where(f => !doc.Contains(f.Replace("src/Graft/", ""), StringComparison.Ordinal)).ToList();
        Assert.True(missing.Count == 0,
            "docs/architecture.md: expected every file of LayeringTests.KnownExceptions in its known exceptions, got these missing:\n  " +
            string.Join("\n  ", missing));
    }

    [Fact]
    public void EverySourceFileHasALayer()
    {
        var orphans = SourceFiles().Where(f => LayerOf(f) < 0).ToList();
        Assert.True(orphans.Count == 0,
            "Layering: expected every source file in a layer, got:\n  " + string.Join("\n  ", orphans) +
            "\nPlace the new folder in LayeringTests.Layers and in docs/architecture.md.");
        var missing = Layers.SelectMany(l => l.Paths).Where(p => !Path.Exists(Path.Combine(RepositoryData.Root, p))).ToList();
        Assert.True(missing.Count == 0, "Layering: expected every layer path to exist, got missing: " + string.Join(", ", missing));
    }

    [Fact]
    public void ReaderSeesEveryKindOfReference()
    {
        // The reader is the test's instrument: each way C# can name another namespace must register.
        var decl = Declarations(
        [
            ("src/Graft/Saving/Registry.cs", "namespace Graft.Saving; public static class Registry { }"),
            ("src/Graft/GraftContext.cs", "namespace Graft; public sealed class GraftContext { }"),
            ("src/Graft/Tensors/Backends/Cpu/CpuBackend.cs", "namespace Graft.Tensors.Backends; public class CpuBackend { }"),
        ]);
        string[] Uses(string code) => References("src/Graft/Layers/Core/X.cs", Lex(code), decl).Select(r => r.Name).Distinct().ToArray();

        Assert.Equal(["Graft.Saving"], Uses("using Graft.Saving;\nnamespace Graft.Layers.Core;"));
        Assert.Equal(["Graft.Tensors.Backends.CpuBackend"], Uses("using static Graft.Tensors.Backends.CpuBackend;\nnamespace Graft.Layers.Core;"));
        Assert.Equal(["Graft.Saving.Registry"], Uses("namespace Graft.Layers.Core; class X { object o = Saving.Registry.Get(); }"));
        Assert.Equal(["Graft.Saving.Registry"], Uses("namespace Graft.Layers.Core; class X { object o = Graft.Saving.Registry.Get(); }"));
        Assert.Equal(["Graft.GraftContext"], Uses("namespace Graft.Layers.Core; class X { object o = GraftContext.Current.Generator; }"));
        Assert.Empty(Uses("namespace Graft.Layers.Core; class X { // Saving.Registry\n string s = \"Saving.Registry\"; /* Graft.Saving */ }"));
        Assert.Empty(Uses("namespace Graft.Layers.Core; class X { int n = model.Saving.Count; int m = Saving.Count; }"));
    }

    private sealed record Reference(string File, int FileLayer, string Name, int UsedLayer);

    private sealed record Declared(Dictionary<string, Dictionary<string, int>> TypesByNamespace, Dictionary<string, int> NamespaceLayer);

    private static List<string> SourceFiles()
    {
        string root = RepositoryData.Root;
        return Directory.EnumerateFiles(Path.Combine(root, "src"), "*.cs", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/'))
            .Where(f => !f.Contains("/obj/") && !f.Contains("/bin/"))
            .Order(StringComparer.Ordinal).ToList();
    }

    private static int LayerOf(string file)
    {
        int best = -1, bestLength = -1;
        for (int i = 0; i < Layers.Length; i++)
            foreach (var p in Layers[i].Paths)
                if ((p.EndsWith('/') ? file.StartsWith(p, StringComparison.Ordinal) : file == p) && p.Length > bestLength)
                    (best, bestLength) = (i, p.Length);
        return best;
    }

    private static List<Reference> UpwardReferences()
    {
        var sources = SourceFiles().Select(f => (File: f, Code: Lex(File.ReadAllText(Path.Combine(RepositoryData.Root, f))))).ToList();
        var decl = Declarations(sources);
        return sources.SelectMany(s => References(s.File, s.Code, decl)).Where(r => r.UsedLayer > r.FileLayer).ToList();
    }

    private static readonly Regex NamespaceDecl = new(@"\bnamespace\s+([\w.]+)", RegexOptions.Compiled);
    private static readonly Regex TypeDecl = new(@"\b(?:class|struct|interface|enum|record(?:\s+(?:class|struct))?)\s+([A-Za-z_]\w*)|\bdelegate\s+[\w<>\[\],.?\s]+?\s([A-Za-z_]\w*)\s*[<(]", RegexOptions.Compiled);
    private static readonly Regex UsingDirective = new(@"^\s*(?:global\s+)?using\s+(?:static\s+)?(?:\w+\s*=\s*)?([\w.]+)\s*;", RegexOptions.Compiled | RegexOptions.Multiline);
    private static readonly Regex NameChain = new(@"(?<![\w.])[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*", RegexOptions.Compiled);

    /// <summary>Each namespace's types, and the layer of each type and namespace, from the files that declare them.</summary>
    private static Declared Declarations(IEnumerable<(string File, string Code)> sources)
    {
        var types = new Dictionary<string, Dictionary<string, int>>();
        var namespaces = new Dictionary<string, int>();
        var enclosing = new Dictionary<string, int>();
        foreach (var (file, code) in sources)
        {
            var ns = NamespaceDecl.Match(code);
            if (!ns.Success) continue;
            int layer = LayerOf(file);
            string name = ns.Groups[1].Value;
            // "Graft" itself holds types of several layers; only its types, never the namespace, have one.
            if (name != "Graft") namespaces[name] = layer;
            for (int dot = name.LastIndexOf('.'); dot > 0; dot = name.LastIndexOf('.', dot - 1))
                if (name[..dot] != "Graft") enclosing.TryAdd(name[..dot], layer);
            var inNs = types.TryGetValue(name, out var t) ? t : types[name] = [];
            foreach (Match m in TypeDecl.Matches(code))
                inNs.TryAdd(m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value, layer);
        }
        // A namespace only enclosing others (none here today) takes the layer of its first child.
        foreach (var (name, layer) in enclosing) namespaces.TryAdd(name, layer);
        return new Declared(types, namespaces);
    }

    /// <summary>What one file names from Graft's namespaces, resolved as C# looks names up.</summary>
    private static IEnumerable<Reference> References(string file, string code, Declared decl)
    {
        int layer = LayerOf(file);
        var ns = NamespaceDecl.Match(code);
        string own = ns.Success ? ns.Groups[1].Value : "";
        var scopes = new List<string>();
        for (string s = own; s.Length > 0; s = s.Contains('.') ? s[..s.LastIndexOf('.')] : "")
            scopes.Add(s);
        scopes.Add("");

        foreach (Match m in UsingDirective.Matches(code))
        {
            string target = m.Groups[1].Value;
            if (decl.NamespaceLayer.TryGetValue(target, out int l))
                yield return new Reference(file, layer, target, l);
            else if (ResolveType(target.Split('.'), [""], decl) is { } type)
                yield return new Reference(file, layer, type.Name, type.Layer);
        }
        string body = UsingDirective.Replace(code, "");
        body = NamespaceDecl.Replace(body, "");
        foreach (Match m in NameChain.Matches(body))
            if (ResolveType(m.Value.Split('.'), scopes, decl) is { } type)
                yield return new Reference(file, layer, type.Name, type.Layer);
    }

    /// <summary>
    /// The type a dotted name denotes, looked up from the innermost enclosing namespace outwards: its
    /// leading parts name a namespace (or none), the next part a type declared there. Anything else
    /// (a member, a local) is not a reference.
    /// </summary>
    private static (string Name, int Layer)? ResolveType(string[] parts, List<string> scopes, Declared decl)
    {
        foreach (string scope in scopes)
        {
            string current = scope;
            for (int i = 0; i < parts.Length; i++)
            {
                if (decl.TypesByNamespace.TryGetValue(current, out var types) && types.TryGetValue(parts[i], out int l))
                    return ((current.Length > 0 ? current + "." : "") + parts[i], l);
                string next = current.Length > 0 ? current + "." + parts[i] : parts[i];
                if (!decl.NamespaceLayer.ContainsKey(next) && next != "Graft") break;
                current = next;
            }
        }
        return null;
    }

    /// <summary>The code with comments and the contents of string and character literals blanked.</summary>
    private static string Lex(string source)
    {
        var sb = new StringBuilder(source.Length);
        int i = 0;
        while (i < source.Length)
        {
            char c = source[i];
            char next = i + 1 < source.Length ? source[i + 1] : '\0';
            if (c == '/' && next == '/')
            {
                while (i < source.Length && source[i] != '\n') i++;
            }
            else if (c == '/' && next == '*')
            {
                int end = source.IndexOf("*/", i + 2, StringComparison.Ordinal);
                i = end < 0 ? source.Length : end + 2;
                sb.Append(' ');
            }
            else if (c == '"' && source.AsSpan(i).StartsWith("\"\"\""))
            {
                int quotes = 0;
                while (i < source.Length && source[i] == '"') { quotes++; i++; }
                int end = source.IndexOf(new string('"', quotes), i, StringComparison.Ordinal);
                i = end < 0 ? source.Length : end + quotes;
                sb.Append("\"\"");
            }
            else if (c == '"' || c == '\'')
            {
                bool verbatim = c == '"' && i > 0 && (source[i - 1] == '@' || (source[i - 1] == '$' && i > 1 && source[i - 2] == '@'));
                i++;
                while (i < source.Length)
                {
                    if (!verbatim && source[i] == '\\') { i += 2; continue; }
                    if (source[i] == c)
                    {
                        if (verbatim && i + 1 < source.Length && source[i + 1] == '"') { i += 2; continue; }
                        break;
                    }
                    i++;
                }
                i++;
                sb.Append(c).Append(c);
            }
            else
            {
                sb.Append(c);
                i++;
            }
        }
        return sb.ToString();
    }
}
