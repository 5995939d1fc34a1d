using System.IO.Compression;
using System.Text.Json.Nodes;

namespace Graft.Tests.Testing;

/// <summary>Copies of a <c>.keras</c> archive with one entry changed, for tests of what loading makes of them.</summary>
public static class KerasArchive
{
    /// <summary>Copies <paramref name="source"/> to <paramref name="target"/>, passing <paramref name="entry"/>'s bytes through <paramref name="edit"/>.</summary>
    public static void Rewrite(string source, string target, string entry, Func<byte[], byte[]> edit)
    {
        using var src = ZipFile.OpenRead(source);
        using var dst = ZipFile.Open(target, ZipArchiveMode.Create);
        foreach (var e in src.Entries)
        {
            using var w = dst.CreateEntry(e.FullName).Open();
            if (e.FullName != entry) { e.Open().CopyTo(w); continue; }
            using var ms = new MemoryStream();
            e.Open().CopyTo(ms);
            w.Write(edit(ms.ToArray()));
        }
    }

    /// <summary>Copies <paramref name="source"/> to <paramref name="target"/> with <c>config.json</c> changed by <paramref name="edit"/>.</summary>
    public static void EditConfig(string source, string target, Action<JsonObject> edit) =>
        Rewrite(source, target, "config.json", bytes =>
        {
            var config = JsonNode.Parse(bytes)!.AsObject();
            edit(config);
            return System.Text.Encoding.UTF8.GetBytes(config.ToJsonString());
        });

    /// <summary>Copies <paramref name="source"/> to <paramref name="target"/> with <c>model.weights.h5</c> replaced by <paramref name="weights"/>.</summary>
    public static void ReplaceWeights(string source, string target, byte[] weights) =>
        Rewrite(source, target, "model.weights.h5", _ => weights);
}
