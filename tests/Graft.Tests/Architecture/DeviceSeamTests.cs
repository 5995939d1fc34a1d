using System.Text.RegularExpressions;
using Graft.Tests.Testing;

namespace Graft.Tests.Architecture;

/// <summary>
/// The device seam of docs/architecture.md, enforced on the source: nothing above the backends
/// touches CPU memory. Outside <c>src/Graft/Tensors/</c> no file may read a tensor's CPU array
/// (<c>Tensor.Data</c>, <c>Tensor.Span</c>) or name <c>CpuStorage</c>; values are read through
/// explicit host transfers (<c>ToArray</c>, <c>CopyTo</c>, <c>Item</c>) so that another backend runs
/// everything above it unchanged.
/// </summary>
public class DeviceSeamTests
{
    // `.Data` or `.Span` as a member access, except the Graft.Data namespace; CpuStorage by name.
    private static readonly Regex s_hostMemory = new(@"(?<!\bGraft)\.(Data|Span)\b(?!\s*\()|\bCpuStorage\b", RegexOptions.Compiled);

    /// <summary>Code of a line with its comment and string literals removed (enough for this check).</summary>
    private static string Code(string line)
    {
        var trimmed = line.TrimStart();
        if (trimmed.StartsWith("//", StringComparison.Ordinal) || trimmed.StartsWith("using ", StringComparison.Ordinal) || trimmed.StartsWith("namespace ", StringComparison.Ordinal))
            return "";
        var noStrings = Regex.Replace(line, "\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"");
        int comment = noStrings.IndexOf("//", StringComparison.Ordinal);
        return comment >= 0 ? noStrings[..comment] : noStrings;
    }

    private static IEnumerable<string> Violations(string path, string[] lines) =>
        lines.Select((l, i) => (Line: i + 1, Match: s_hostMemory.Match(Code(l))))
             .Where(m => m.Match.Success)
             .Select(m => $"{path}:{m.Line}: {m.Match.Value.TrimStart('.')}");

    [Fact]
    public void NothingAboveTensorsTouchesCpuMemory()
    {
        var root = RepositoryData.Root;
        var files = Directory.EnumerateFiles(Path.Combine(root, "src"), "*.cs", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/'))
            .Where(f => !f.StartsWith("src/Graft/Tensors/", StringComparison.Ordinal) && !f.Contains("/obj/") && !f.Contains("/bin/"))
            .ToList();
        Assert.True(files.Count > 100, $"expected the library's sources under src/, found {files.Count} files");
        var violations = files.SelectMany(f => Violations(f, File.ReadAllLines(Path.Combine(root, f)))).ToList();
        Assert.True(violations.Count == 0,
            "Device seam: expected no CPU memory access above src/Graft/Tensors/, got:\n" + string.Join("\n", violations) +
            "\nRead values with ToArray, CopyTo or Item, and create tensors with Tensor.FromArray.");
    }

    [Theory]
    [InlineData("        var d = t.Data;", true)]
    [InlineData("        g.Span.CopyTo(dh.Span[1..]);", true)]
    [InlineData("        if (t.Data.All(v => v is 0f or 1f)) t = x;", true)]
    [InlineData("    internal static float[] Host(Tensor t) => ((CpuStorage)t.Storage).Data;", true)]
    [InlineData("using Graft.Data;", false)]
    [InlineData("        var set = Graft.Data.Npy.Load(path);", false)]
    [InlineData("        var d = t.ToArray(); // not t.Data", false)]
    [InlineData("        throw new ArgumentException(\"x.Data is wrong\");", false)]
    public void TheScanSeesHostMemoryAccess(string line, bool flagged) =>
        Assert.Equal(flagged, Violations("File.cs", [line]).Any());
}
