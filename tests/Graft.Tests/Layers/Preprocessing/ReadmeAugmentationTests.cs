using Graft.Layers.Convolutional;
using Graft.Layers.Core;
using Graft.Layers.Pooling;
using Graft.Layers.Preprocessing;
using Graft.Models;
using Graft.Tensors;

namespace Graft.Tests.Layers.Preprocessing;

/// <summary>The README's "Augmentation" snippet, as written there.</summary>
public class ReadmeAugmentationTests
{
    [Fact]
    public void TheSnippetRuns()
    {
        var model = new Sequential(
        [
            new Resizing(64, 64, inputShape: [96, 80, 3]),        // bilinear; also nearest, bicubic, area, lanczos3/5
            new RandomFlip("horizontal", seed: 1),
            new RandomRotation(0.1, seed: 2),                      // ±10% of a turn; or a (low, high) pair
            new RandomZoom((-0.2, 0.1), fillMode: "reflect", seed: 3),
            new RandomContrast(0.2, valueRange: (0, 1), seed: 4),
            new Conv2D(16, [3, 3], activation: "relu"),
            new GlobalAveragePooling2D(),
            new Dense(2, activation: "softmax"),
        ]);
        var images = Tensor.RandomUniform([8, 96, 80, 3]);
        var augmented = model.Layers[1].Call(model.Layers[0].Call(images), training: true);   // flipped at random
        var predictions = model.Predict(images);                                               // no augmentation

        Assert.Equal([8, 64, 64, 3], augmented.Shape.ToArray());
        Assert.Equal([8, 2], predictions.Shape.ToArray());
        Assert.IsType<Resizing>(model.Layers[0]);
        Assert.NotEqual(model.Layers[0].Call(images).ToArray(), augmented.ToArray());
    }
}
