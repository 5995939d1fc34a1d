using System.Text.Json.Nodes;
using Graft.Models;
using Graft.Saving;
using Graft.Tests.Testing;

namespace Graft.Tests.Saving;

/// <summary>
/// Configs that disagree with the weights their file stores fail before anything large is
/// allocated, and a layer's rejection of its configuration comes back as a
/// <see cref="ModelFormatException"/> that names the file and the layer.
/// </summary>
public class MalformedFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("graft-malformed-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>The fixture with its first layer of <paramref name="cls"/> changed by <paramref name="change"/>, saved in the temporary folder.</summary>
    private string Mutate(string fixture, string cls, Action<JsonObject> change)
    {
        var f = MutationFixture.All().Single(x => x.Name == fixture);
        var root = JsonNode.Parse(Mutator.Config(f))!;
        var layers = root["config"] is JsonArray a ? a : root["config"]!["layers"]!.AsArray();
        change(layers.First(l => l!["class_name"]!.GetValue<string>() == cls)!["config"]!.AsObject());
        string path = Path.Combine(_dir, "mutant" + f.Extension);
        File.WriteAllBytes(path, Mutator.WithConfig(f, root.ToJsonString()));
        return path;
    }

    [Theory]
    [InlineData("k3.13.2_AhmedKamel_mnist_cnn_legacy.h5")]
    [InlineData("k3.9.2_sudo-sidd_cifar10_cnn.keras")]
    [InlineData("k2.0.6_dl4j_mnist_mlp_tf.config.json")]
    public void BillionUnitClaimFailsBeforeAllocating(string fixture)
    {
        string path = Mutate(fixture, "Dense", c => c["units"] = 1_000_000_000);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<ModelFormatException>(() => Model.Load(path));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains(path, e.Message);
        Assert.Contains("Dense '", e.Message);
        Assert.Contains("values the file stores", e.Message);
        Assert.Contains("1000000000", e.Message);
        Assert.True(allocated < 64 << 20, $"expected the load to fail before allocating the claimed weights, got {allocated >> 20} MiB allocated");
    }

    [Fact]
    public void LayerRejectingItsConfigNamesFileAndLayer()
    {
        string path = Mutate("k1.2.2_dl4j_dense_reshape_bn_conv2d_tf.h5", "BatchNormalization", c => c["axis"] = 7);
        var e = Assert.Throws<ModelFormatException>(() => Model.Load(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("BatchNormalization '", e.Message);
        Assert.Contains("axis 7", e.Message);
    }

    [Fact]
    public void FractionalSizeIsNotTruncated()
    {
        string path = Mutate("k2.3.1_dl4j_dense_softmax.h5", "Dense", c => c["units"] = 2.5);
        var e = Assert.Throws<ModelFormatException>(() => Model.Load(path));
        Assert.Contains("expected 'units' to be an integer, got 2.5", e.Message);
    }

    [Fact]
    public void PoolLargerThanItsInputFailsAtLoadNamingTheLayer()
    {
        string path = Mutate("k2.3.1_dl4j_simpleconv2d_sequential.hdf5", "MaxPooling2D", c => c["pool_size"] = new JsonArray(1000, 1000));
        var e = Assert.Throws<ModelFormatException>(() => Model.Load(path));
        Assert.Contains("MaxPooling2D '", e.Message);
        Assert.Contains("expected spatial size >= 1000", e.Message);
    }
}
