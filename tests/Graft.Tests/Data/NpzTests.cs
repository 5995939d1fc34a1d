using System.IO.Compression;
using Graft.Data;
using Graft.Saving;
using Graft.Tensors;
using Graft.Tests.Testing;

namespace Graft.Tests.Data;

public class NpzTests
{
    private static string Fixture(string file) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "npz", file);

    [Theory]
    [InlineData("cnn_batch_norm_named.npz", "x", "y")]
    [InlineData("cnn_batch_norm_positional_compressed.npz", "arr_0", "arr_1")]
    public void ReadsArchivesAsNumPyWritesThem(string file, string first, string second)
    {
        var arrays = Npz.Load(Fixture(file));
        Assert.Equal([first, second], arrays.Keys);
        var x = Npy.Load(Fixtures.Keras("k2.1.3_dl4j_cnn_batch_norm.input.npy"));
        var y = Npy.Load(Fixtures.Keras("k2.1.3_dl4j_cnn_batch_norm.expected.npy"));
        Assert.Equal(new Shape(5, 10, 10, 3), arrays[first].Shape);
        Assert.Equal(x.ToArray(), arrays[first].ToArray());
        Assert.Equal(y.ToArray(), arrays[second].ToArray());
    }

    [Fact]
    public void SaveWritesStoredNpyEntriesInOrderThatLoadReads()
    {
        string dir = Directory.CreateTempSubdirectory("graft-npz").FullName;
        try
        {
            string path = Path.Combine(dir, "y.npz");
            var a = Tensor.RandomNormal([3, 2]);
            var b = Tensor.RandomNormal([3]);
            Npz.Save(path, new Dictionary<string, Tensor> { ["score"] = a, ["classes"] = b });
            using (var zip = ZipFile.OpenRead(path))
            {
                Assert.Equal(["score.npy", "classes.npy"], zip.Entries.Select(e => e.FullName));
                Assert.All(zip.Entries, e => Assert.Equal(e.Length, e.CompressedLength));   // stored, as np.savez
                using var s = zip.Entries[1].Open();
                using var ms = new MemoryStream();
                s.CopyTo(ms);
                string npy = Path.Combine(dir, "b.npy");
                Npy.Save(npy, b);
                Assert.Equal(File.ReadAllBytes(npy), ms.ToArray());
            }
            var back = Npz.Load(path);
            Assert.Equal(["score", "classes"], back.Keys);
            Assert.Equal(a.ToArray(), back["score"].ToArray());
            Assert.Equal(new Shape(3), back["classes"].Shape);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void BadArchivesAndKeysFailCleanly()
    {
        string dir = Directory.CreateTempSubdirectory("graft-npz").FullName;
        try
        {
            string notZip = Path.Combine(dir, "x.npz");
            File.WriteAllText(notZip, "not a zip");
            var e = Assert.Throws<ModelFormatException>(() => Npz.Load(notZip));
            Assert.Contains(notZip, e.Message);
            Assert.Contains("expected a .npz (zip) archive", e.Message);

            string other = Path.Combine(dir, "other.npz");
            using (var zip = ZipFile.Open(other, ZipArchiveMode.Create))
            {
                using (var w = new StreamWriter(zip.CreateEntry("x.npy").Open())) w.Write("garbage");
            }
            e = Assert.Throws<ModelFormatException>(() => Npz.Load(other));
            Assert.Contains("[x.npy]", e.Message);
            Assert.Contains("expected the .npy magic", e.Message);

            var a = Assert.Throws<ArgumentException>(() => Npz.Save(Path.Combine(dir, "e.npz"), [new("", Tensor.Zeros(1))]));
            Assert.Contains("expected non-empty keys", a.Message);
            a = Assert.Throws<ArgumentException>(() => Npz.Save(Path.Combine(dir, "d.npz"), [new("k", Tensor.Zeros(1)), new("k", Tensor.Zeros(1))]));
            Assert.Contains("expected each key once", a.Message);
        }
        finally { Directory.Delete(dir, true); }
    }
}
