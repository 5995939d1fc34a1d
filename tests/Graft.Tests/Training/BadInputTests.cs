using Graft.Layers.Core;
using Graft.Models;
using Graft.Tensors;
using Graft.Tests.Testing;

namespace Graft.Tests.Training;

/// <summary>Every misuse of the training API ends in a clear exception or message.</summary>
[Collection(ConsoleCollection.Name)]
public class BadInputTests
{
    private static Sequential Softmax8() => new([new Dense(8, activation: "softmax", inputShape: [4])], name: "clf");

    [Fact]
    public void FitBeforeCompile()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => Softmax8().Fit(Tensor.Zeros(4, 4), Tensor.Zeros(4), verbose: 0));
        Assert.Equal("Sequential 'clf'.Fit: expected a compiled model, got one that was never compiled. Call Compile(loss, optimizer, metrics) first.", ex.Message);
    }

    [Fact]
    public void LengthsDiffer()
    {
        var m = Softmax8(); m.Compile("sparse_categorical_crossentropy", "sgd");
        var ex = Assert.Throws<ArgumentException>(() => m.Fit(Tensor.Zeros(10, 4), Tensor.Zeros(9), verbose: 0));
        Assert.Equal("Model.Fit: expected x and y with the same number of samples, got 10 (x shape (10, 4)) and 9 (y shape (9,)).", ex.Message);
    }

    [Fact]
    public void LabelsThatDoNotFitTheLoss()
    {
        var m = Softmax8(); m.Compile("sparse_categorical_crossentropy", "sgd");
        var ex = Assert.Throws<ArgumentException>(() => m.Fit(Tensor.Zeros(3, 4), Tensor.FromArray([1, 9, 2], 3), verbose: 0));
        Assert.Contains("expected integer class ids in [0, 7] for 8 outputs, got 9 (target 1)", ex.Message);
        m.Compile("categorical_crossentropy", "sgd");
        ex = Assert.Throws<ArgumentException>(() => m.Fit(Tensor.Zeros(3, 4), Tensor.FromArray([0, 1, 1], 3, 1), verbose: 0));
        Assert.Contains("expected one-hot targets of shape (None, 8), got (3, 1)", ex.Message);
    }

    [Fact]
    public void NaNInTheData()
    {
        var m = Softmax8(); m.Compile("sparse_categorical_crossentropy", "sgd");
        var x = Tensor.Zeros(3, 4).ToArray(); x[9] = float.NaN;
        var ex = Assert.Throws<ArgumentException>(() => m.Fit(Tensor.FromArray(x, 3, 4), Tensor.Zeros(3), verbose: 0));
        Assert.Equal("Model.Fit: expected finite values in x, got NaN at sample 2 (element 1).", ex.Message);
    }

    [Fact]
    public void EmptyDataAndZeroBatch()
    {
        var m = Softmax8(); m.Compile("sparse_categorical_crossentropy", "sgd");
        Assert.Contains("expected at least one sample in x, got shape (0, 4)", Assert.Throws<ArgumentException>(() => m.Fit(Tensor.Zeros(0, 4), Tensor.Zeros(0), verbose: 0)).Message);
        Assert.Contains("batchSize", Assert.Throws<ArgumentOutOfRangeException>(() => m.Fit(Tensor.Zeros(2, 4), Tensor.Zeros(2), batchSize: 0, verbose: 0)).Message);
        Assert.Contains("validation_split in [0, 1), got 1.5", Assert.Throws<ArgumentOutOfRangeException>(() => m.Fit(Tensor.Zeros(2, 4), Tensor.Zeros(2), validationSplit: 1.5, verbose: 0)).Message);
    }

    [Fact]
    public void WrongInputShapeNamesTheLayer()
    {
        var m = new Sequential([new Dense(8, inputShape: [4], name: "dense_in")]);
        var ex = Assert.Throws<ArgumentException>(() => m.Predict(Tensor.Zeros(2, 5)));
        Assert.Equal("Dense 'dense_in': expected input with last dimension 4, got shape (2, 5).", ex.Message);
    }

    [Fact]
    public void SetWeightsShapeMismatchNamesLayerAndShapes()
    {
        var m = new Sequential([new Dense(3, inputShape: [2], name: "d1")]);
        var ex = Assert.Throws<ArgumentException>(() => m.SetWeights([Tensor.Zeros(2, 4), Tensor.Zeros(3)]));
        Assert.Contains("expected weight 0 ('d1/kernel') of shape (2, 3), got (2, 4)", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => m.SetWeights([Tensor.Zeros(2, 3)]));
        Assert.Contains("expected 2 weight tensors (d1/kernel, d1/bias), got 1", ex.Message);
    }

    [Fact]
    public void ChangingTrainableWithoutRecompilingWarnsAndNamesTheLayers()
    {
        var hidden = new Dense(4, inputShape: [2], name: "hidden_w");
        var m = new Sequential([hidden, new Dense(1, activation: "sigmoid", name: "head_w")]);
        m.Compile("binary_crossentropy", "sgd");
        hidden.Trainable = false;
        var before = hidden.GetWeights()[0].ToArray();
        using var console = new ConsoleCapture();
        using var log = new LogCapture();
        m.Fit(Tensor.Ones(8, 2), Tensor.Ones(8, 1), verbose: 0);
        var warning = Assert.Single(log.Entries);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, warning.Level);
        Assert.Equal("Graft.Training", warning.Category);
        Assert.Contains("hidden_w", warning.Message);
        Assert.Contains("takes effect at the next Compile", warning.Message);
        // The library itself prints nothing.
        Assert.Equal("", console.Error.ToString());
        Assert.Equal("", console.Out.ToString());
        // Keras semantics: the compiled (trainable) state still applies, so the layer still trained.
        Assert.NotEqual(before, hidden.GetWeights()[0].ToArray());
    }

    [Fact]
    public void UnknownIdentifiersListTheKnownOnes()
    {
        var m = Softmax8();
        Assert.Contains("expected one of sgd, adam", Assert.Throws<ArgumentException>(() => m.Compile("mse", "adma")).Message);
        Assert.Contains("expected one of accuracy", Assert.Throws<ArgumentException>(() => m.Compile("mse", "sgd", ["acuracy"])).Message);
        Assert.Contains("expected one of linear, relu", Assert.Throws<ArgumentException>(() => new Dense(3, activation: "rleu")).Message);
    }
}
