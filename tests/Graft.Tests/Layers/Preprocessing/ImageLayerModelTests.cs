using Graft.Layers;
using Graft.Layers.Core;
using Graft.Layers.Preprocessing;
using Graft.Layers.Reshaping;
using Graft.Models;
using Graft.Optimizers;
using Graft.Tensors;
using Graft.Tests.Testing;

namespace Graft.Tests.Layers.Preprocessing;

/// <summary>The image layers inside models: saved and loaded in both formats, and trained through.</summary>
public class ImageLayerModelTests
{
    private static Sequential Pipeline() => new(
    [
        new Resizing(8, 8, "bicubic", inputShape: [6, 7, 3]),
        new RandomFlip("horizontal", seed: 1),
        new RandomRotation((-0.1, 0.2), fillMode: "wrap", seed: 2),
        new RandomZoom(0.2, (-0.1, 0.3), fillMode: "constant", interpolation: "nearest", seed: 3, fillValue: 0.5f),
        new RandomTranslation(0.1, 0.2, fillMode: "nearest", seed: 4),
        new RandomContrast(0.3, valueRange: (0f, 1f), seed: 5),
        new RandomBrightness((-0.1, 0.2), valueRange: (0f, 1f), seed: 6),
        new RandomCrop(6, 6, seed: 7),
        new CenterCrop(4, 5),
        new Rescaling(2f, -1f),
        new Flatten(),
        new Dense(2, kernelInitializer: new Graft.Initializers.GlorotUniform { Seed = 8 }),
    ], name: "augmented");

    [Theory]
    [InlineData(".keras")]
    [InlineData(".h5")]
    public void SaveThenLoadKeepsConfigsPredictionsAndAugmentations(string extension)
    {
        var model = Pipeline();
        var x = GradCheck.Uniform([3, 6, 7, 3], 1, 0f, 1f);
        var predicted = model.Predict(x);
        string path = Path.Combine(Path.GetTempPath(), $"graft-{Guid.NewGuid():N}{extension}");
        try
        {
            model.Save(path);
            var loaded = Model.Load(path);
            Assert.Equal(model.Layers.Select(l => l.ClassName), loaded.Layers.Select(l => l.ClassName));
            // The declared input shape may move to an InputLayer (Keras 3 files); every other key must survive.
            static string Config(Layer l) { var c = l.GetConfig(); c.Remove("batch_input_shape"); return c.ToJsonString(); }
            for (int i = 0; i < model.Layers.Count; i++) Assert.Equal(Config(model.Layers[i]), Config(loaded.Layers[i]));
            Assert.Equal(predicted.ToArray(), loaded.Predict(x).ToArray());
            // Prediction draws nothing, so both start their seeded streams here: the same augmentations.
            Assert.Equal(model.Call(x, training: true).ToArray(), loaded.Call(x, training: true).ToArray());
        }
        finally { File.Delete(path); }
    }

    private static (Tensor X, Tensor Y) Data()
    {
        var x = GradCheck.Uniform([32, 6, 7, 3], 2, 0f, 1f);
        var y = Tensor.FromArray(Enumerable.Range(0, 32).Select(i => (float)(i % 2)).ToArray(), 32, 1);
        return (x, y);
    }

    private static float[] Train(bool augment, bool cache)
    {
        using var context = new GraftContext(seed: 5).Use();
        var layers = new List<Layer>();
        if (augment) layers.AddRange([new RandomFlip("horizontal", seed: 1, inputShape: [6, 7, 3]), new RandomRotation(0.1, seed: 2)]);
        var flatten = augment ? new Flatten() : new Flatten(inputShape: [6, 7, 3]);
        var trunk = new Dense(8, activation: "relu", kernelInitializer: new Graft.Initializers.GlorotUniform { Seed = 3 });
        layers.AddRange([flatten, trunk, new Dense(1, activation: "sigmoid", kernelInitializer: new Graft.Initializers.GlorotUniform { Seed = 4 })]);
        var model = new Sequential(layers);
        trunk.Trainable = false;
        model.CacheFrozenLayers = cache;
        model.Compile("binary_crossentropy", new SGD(0.1));
        var (x, y) = Data();
        model.Fit(x, y, batchSize: 8, epochs: 2, shuffle: false, verbose: 0);
        return model.GetWeights()[^2].ToArray();
    }

    [Fact]
    public void AugmentationBelowAFrozenBaseIsAppliedEveryStepNotCached()
    {
        // Cached frozen outputs would be computed once, without augmentation: the same training as no
        // augmentation at all. The random layers must keep the cache off and change the training.
        var augmentedCached = Train(augment: true, cache: true);
        Assert.Equal(Train(augment: true, cache: false), augmentedCached);
        Assert.NotEqual(Train(augment: false, cache: true), augmentedCached);
    }

    [Fact]
    public void DeterministicImageLayersCanBeCachedBelowAFrozenBase()
    {
        Assert.True(new Resizing(4, 4).TrainingMatchesInference);
        Assert.True(new CenterCrop(4, 4).TrainingMatchesInference);
        Assert.False(new RandomCrop(4, 4).TrainingMatchesInference);
    }
}
