using Graft.Layers;
using Graft.Layers.Activations;
using Graft.Layers.Core;
using Graft.Layers.Preprocessing;
using Graft.Layers.Regularization;
using Graft.Layers.Reshaping;
using Graft.Initializers;

namespace Graft.Tests.Testing;

/// <summary>
/// Every public layer with a typical input shape (per sample). Generic tests run gradient checks,
/// shape inference and config round trips over it; a reflection test fails when a layer is missing.
/// </summary>
public static class LayerCatalog
{
    public sealed record Entry(string Name, Func<Layer> Create, int[] SampleShape, bool SmoothAwayFromZero = false)
    {
        public override string ToString() => Name;
    }

    public static readonly Entry[] All =
    [
        new("Dense", () => new Dense(4, activation: "tanh"), [5]),
        new("Dense_3d_input", () => new Dense(3, useBias: false), [2, 5]),
        new("Activation", () => new Activation("softmax"), [6]),
        new("InputLayer", () => new InputLayer([3, 2]), [3, 2]),
        new("ReLU", () => new ReLU(maxValue: 0.6f, negativeSlope: 0.1f), [6], SmoothAwayFromZero: true),
        new("LeakyReLU", () => new LeakyReLU(), [6], SmoothAwayFromZero: true),
        new("PReLU", () => new PReLU(alphaInitializer: new Constant(0.25f), sharedAxes: [1]), [3, 4], SmoothAwayFromZero: true),
        new("ELU", () => new ELU(0.5f), [6]),
        new("Softmax", () => new Softmax(), [5]),
        new("Dropout", () => new Dropout(0.5f, seed: 1), [6]),
        new("GaussianNoise", () => new GaussianNoise(0.1f, seed: 1), [6]),
        new("Flatten", () => new Flatten(), [2, 3, 2]),
        new("Reshape", () => new Reshape([3, -1]), [6]),
        new("Rescaling", () => new Rescaling(1f / 255, 0.5f), [4]),
    ];

    public static IEnumerable<object[]> Cases => All.Select(e => new object[] { e });
}
