using Graft.Layers.Core;
using Graft.Models;
using Graft.Saving;
using Graft.Tensors;
using Graft.Tests.Testing;

namespace Graft.Tests.Layers;

/// <summary>A new layer is one file (<see cref="Scale"/>) and one registry line, as the README shows.</summary>
public class CustomLayerTests
{
    [Theory]
    [InlineData(".keras")]
    [InlineData(".h5")]
    public void TheReadmeLayerRoundTripsThroughKerasFiles(string extension)
    {
        var model = new Sequential([new Dense(4, inputShape: [3]), new Scale(0.5, name: "scale"), new Dense(2)]);
        var scale = (Scale)model.Layers[1];
        scale.SetWeights([Tensor.FromArray([0.5f, -2f, 3f, 0.25f], 4)]);
        var x = Tensor.RandomNormal([6, 3], generator: new Generator(5));
        string path = Path.Combine(Path.GetTempPath(), $"graft-{Guid.NewGuid():N}{extension}");
        try
        {
            model.Save(path);
            var ex = Assert.Throws<NotSupportedException>(() => Model.Load(path));
            Assert.Contains("'Scale'", ex.Message);
            LayerRegistry.Register<Scale>();
            try
            {
                var loaded = Model.Load(path, compile: false);
                var copy = Assert.IsType<Scale>(loaded.Layers[1]);
                Assert.Equal(0.5, copy.InitialValue);
                Assert.Equal(scale.GetWeights()[0].ToArray(), copy.GetWeights()[0].ToArray());
                Assert.Equal(model.Predict(x).ToArray(), loaded.Predict(x).ToArray());
            }
            finally { Assert.True(LayerRegistry.Unregister("Scale")); }
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void TheLayersConfigAndCloneComeFromItsConstructor()
    {
        var layer = new Scale(2.5, name: "s");
        Assert.Equal(2.5, layer.GetConfig()["initial_value"]!.GetValue<double>());
        var copy = Assert.IsType<Scale>(layer.CloneLayer());
        Assert.Equal((2.5, "s"), (copy.InitialValue, copy.Name));
        var model = new Sequential([new Dense(3, inputShape: [2]), new Scale(-1.5)]);
        var clone = model.Clone();
        var x = Tensor.RandomNormal([4, 2], generator: new Generator(3));
        clone.SetWeights(model.GetWeights());
        Assert.Equal(model.Predict(x).ToArray(), clone.Predict(x).ToArray());
        Assert.Equal(-1.5, ((Scale)clone.Layers[1]).InitialValue);
    }

    [Fact]
    public void ReadmeShowsTheExampleLayer()
    {
        static string Squash(string s) => string.Join(" ", s.Split((char[])[' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries));
        string readme = Squash(File.ReadAllText(Path.Combine(RepositoryData.Root, "README.md")));
        string source = File.ReadAllText(Path.Combine(RepositoryData.Root, "tests", "Graft.Tests", "Layers", "Scale.cs"));
        string example = source[source.IndexOf("public sealed class Scale", StringComparison.Ordinal)..];
        Assert.Contains(Squash(example), readme);
        Assert.Contains("LayerRegistry.Register<Scale>();", readme);
    }
}
