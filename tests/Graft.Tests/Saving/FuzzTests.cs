using Graft.Models;
using Graft.Saving;
using Graft.Tests.Testing;

namespace Graft.Tests.Saving;

/// <summary>
/// Truncated and corrupted copies of real files (fixed seed): every load ends in a
/// <see cref="ModelFormatException"/> or <see cref="NotSupportedException"/> — or succeeds when
/// only weight values were hit — never another exception, a hang or a crash.
/// </summary>
public class FuzzTests
{
    [Theory]
    [InlineData("k2.3.1_dl4j_dense_softmax.h5", 700)]
    [InlineData("tfk2.15.0_Abhaypandy_churn_mlp.keras", 700)]
    [InlineData("k2.3.1_dl4j_dense_leakyrelu.h5", 700)]
    public void CorruptFilesFailCleanly(string file, int variants)
    {
        var bytes = File.ReadAllBytes(Fixtures.Keras(file));
        var rng = new System.Random(17);
        string path = Path.Combine(Path.GetTempPath(), $"graft-fuzz-{Guid.NewGuid():N}{Path.GetExtension(file)}");
        var unexpected = new List<string>();
        try
        {
            for (int i = 0; i < variants; i++)
            {
                byte[] v;
                if (i % 3 == 0) v = bytes[..rng.Next(bytes.Length)];
                else
                {
                    v = (byte[])bytes.Clone();
                    int flips = rng.Next(1, 9);
                    for (int j = 0; j < flips; j++) v[rng.Next(v.Length)] = (byte)rng.Next(256);
                }
                File.WriteAllBytes(path, v);
                Exception? error = null;
                var thread = new Thread(() =>
                {
                    try { Model.Load(path, compile: false); }
                    catch (Exception e) { error = e; }
                }, 16 << 20) { IsBackground = true };
                thread.Start();
                if (!thread.Join(TimeSpan.FromSeconds(20))) { unexpected.Add($"variant {i}: load did not finish"); break; }
                if (error is not null and not ModelFormatException and not NotSupportedException)
                    unexpected.Add($"variant {i}: {error.GetType().Name}: {error.Message}");
            }
        }
        finally { File.Delete(path); }
        Assert.Empty(unexpected);
    }

    [Fact]
    public void CorruptJsonConfigsFailCleanly()
    {
        string json = File.ReadAllText(Fixtures.Keras("k1_dl4j_mnist_mlp_tf.config.json"));
        var rng = new System.Random(3);
        for (int i = 0; i < 2000; i++)
        {
            var chars = json.ToCharArray();
            if (i % 2 == 0) chars = chars[..rng.Next(chars.Length)];
            else for (int j = 0; j < 3; j++) chars[rng.Next(chars.Length)] = "{}[]\":,0a-"[rng.Next(10)];
            try { Model.FromJson(new string(chars)); }
            catch (Exception e) when (e is ModelFormatException or NotSupportedException) { }
        }
    }
}
