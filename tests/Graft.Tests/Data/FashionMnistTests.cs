using System.Net;
using System.Security.Cryptography;
using Graft.Data;
using Graft.Saving;
using Graft.Tests.Testing;

namespace Graft.Tests.Data;

public class FashionMnistTests
{
    [Fact]
    public void LoadsLikeKerasLoadData()
    {
        var ((xTrain, yTrain), (xTest, yTest)) = RepositoryData.Fashion;
        Assert.Equal(new Graft.Tensors.Shape(60000, 28, 28), xTrain.Shape);
        Assert.Equal(new Graft.Tensors.Shape(10000), yTest.Shape);
        Assert.Equal(255f, xTrain[..100].Max().Item());
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (float)i), yTrain.ToArray().Distinct().Order());
    }

    [Fact]
    public void MissingAndCorruptFilesAreNamed()
    {
        string dir = Directory.CreateTempSubdirectory("graft-fm").FullName;
        try
        {
            var ex = Assert.Throws<FileNotFoundException>(() => FashionMnist.Load(dir));
            Assert.Contains("expected train-images-idx3-ubyte.gz in", ex.Message);
            foreach (var (f, _) in FashionMnist.Files) File.Copy(Path.Combine(RepositoryData.FashionMnistDir, f), Path.Combine(dir, f));
            File.WriteAllBytes(Path.Combine(dir, "t10k-labels-idx1-ubyte.gz"), [0x1f, 0x8b, 1, 2, 3]);
            var bad = Assert.Throws<ModelFormatException>(() => FashionMnist.Load(dir));
            Assert.Contains("t10k-labels-idx1-ubyte.gz", bad.Message);
            File.WriteAllBytes(Path.Combine(dir, "t10k-labels-idx1-ubyte.gz"), [0, 0, 8, 1, 0, 0, 0, 5, 1, 2]);
            bad = Assert.Throws<ModelFormatException>(() => FashionMnist.Load(dir));
            Assert.Contains("expected 5 data bytes for shape (5,), got 2", bad.Message);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public async Task DownloadsFromAMirrorAndChecksTheChecksum()
    {
        // A local HTTP server (loopback only) plays the mirror.
        var payload = File.ReadAllBytes(Path.Combine(RepositoryData.FashionMnistDir, "t10k-labels-idx1-ubyte.gz"));
        string md5 = Convert.ToHexStringLower(MD5.HashData(payload));
        int port = 20000 + Environment.ProcessId % 20000;
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        var server = Task.Run(async () =>
        {
            for (int i = 0; i < 2; i++)
            {
                var ctx = await listener.GetContextAsync();
                var body = ctx.Request.Url!.AbsolutePath.EndsWith("good.gz") ? payload : payload[..100];
                ctx.Response.ContentLength64 = body.Length;
                await ctx.Response.OutputStream.WriteAsync(body);
                ctx.Response.Close();
            }
        });
        string dir = Directory.CreateTempSubdirectory("graft-dl").FullName;
        try
        {
            long seen = 0;
            await Downloader.DownloadAsync($"http://127.0.0.1:{port}/good.gz", Path.Combine(dir, "a.gz"), md5, (d, _) => seen = d);
            Assert.Equal(payload, File.ReadAllBytes(Path.Combine(dir, "a.gz")));
            Assert.Equal(payload.Length, seen);
            var ex = await Assert.ThrowsAsync<InvalidDataException>(() => Downloader.DownloadAsync($"http://127.0.0.1:{port}/bad.gz", Path.Combine(dir, "b.gz"), md5, null));
            Assert.Contains($"expected MD5 {md5}, got", ex.Message);
            Assert.False(File.Exists(Path.Combine(dir, "b.gz")));
        }
        finally { Directory.Delete(dir, true); await server.WaitAsync(TimeSpan.FromSeconds(5)); }
    }
}
