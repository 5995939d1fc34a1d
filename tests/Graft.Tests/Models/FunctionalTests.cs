using Graft.Layers.Convolutional;
using Graft.Layers.Core;
using Graft.Layers.Merging;
using Graft.Layers.Normalization;
using Graft.Layers.Pooling;
using Graft.Layers.Reshaping;
using Graft.Models;
using Graft.Optimizers;
using Graft.Tensors;

namespace Graft.Tests.Models;

public class FunctionalTests
{
    private static Model Residual(string name = "res")
    {
        var inputs = Keras.Input([8, 8, 3], name: "img");
        var x = new Conv2D(4, [3, 3], padding: "same", activation: "relu", name: "c1").Call(inputs);
        var y = new Conv2D(4, [3, 3], padding: "same", name: "c2").Call(x);
        var s = new Add(name: "sum").Call([x, y]);
        var p = new GlobalAveragePooling2D(name: "gap").Call(s);
        var outputs = new Dense(2, activation: "softmax", name: "head").Call(p);
        return new Model(inputs, outputs, name);
    }

    [Fact]
    public void BuildsRunsAndSummarizesAGraph()
    {
        var model = Residual();
        Assert.Equal("Functional", model.ClassName);
        Assert.Equal(["img", "c1", "c2", "sum", "gap", "head"], model.Layers.Select(l => l.Name));
        var x = Tensor.RandomNormal([3, 8, 8, 3], generator: new Generator(1));
        var y = model.Predict(x);
        Assert.Equal(new Shape(3, 2), y.Shape);
        // The graph computes what the layers compute by hand.
        var c1 = model.GetLayer("c1").Call(x);
        var manual = model.GetLayer("head").Call(((GlobalAveragePooling2D)model.GetLayer("gap")).Call(((Add)model.GetLayer("sum")).Call([c1, model.GetLayer("c2").Call(c1)])));
        Assert.Equal(manual.ToArray(), y.ToArray());
        string text = model.Summary(_ => { });
        Assert.Contains("Connected to", text);
        Assert.Contains("c1[0][0], c2[0][0]", text);
        Assert.Contains("(None, 8, 8, 4)", text);
    }

    [Fact]
    public void CuttingABaseAtAnIntermediateOutput()
    {
        var model = Residual();
        var trunk = new Model(model.Input, model.GetLayer("gap").Output);
        Assert.Equal(new Shape(2, 4), trunk.Predict(Tensor.Ones(2, 8, 8, 3)).Shape);
        Assert.Same(model.GetLayer("c1"), trunk.GetLayer("c1"));
    }

    [Fact]
    public void SeveralInputsAndConcatenate()
    {
        var a = Keras.Input([3], name: "a"); var b = Keras.Input([2], name: "b");
        var joined = new Concatenate().Call([a, b]);
        var model = new Model([a, b], [new Dense(1, name: "out").Call(joined)]);
        var y = model.Call([Tensor.Ones(4, 3), Tensor.Zeros(4, 2)]);
        Assert.Equal(new Shape(4, 1), y[0].Shape);
        var ex = Assert.Throws<ArgumentException>(() => model.Call([Tensor.Ones(4, 3)]));
        Assert.Contains("expected 2 inputs, got 1", ex.Message);
    }

    [Fact]
    public void NestedBaseWithTheKerasBatchNormRecipe()
    {
        // A base with BatchNormalization, frozen, called with training: false, then a new head.
        var baseIn = Keras.Input([6, 6, 2]);
        var bx = new Conv2D(3, [3, 3], padding: "same", name: "bconv").Call(baseIn);
        bx = new BatchNormalization(name: "bbn").Call(bx);
        bx = new GlobalAveragePooling2D().Call(bx);
        var baseModel = new Model(baseIn, bx, "base");
        baseModel.Trainable = false;
        var inputs = Keras.Input([6, 6, 2]);
        var features = baseModel.Call(inputs, training: false);
        var outputs = new Dense(1, activation: "sigmoid", name: "new_head").Call(features);
        var model = new Model(inputs, outputs, "transfer");
        Assert.Equal(2, model.TrainableWeights.Count);

        var bn = (BatchNormalization)baseModel.GetLayer("bbn");
        var stats = bn.GetWeights().Select(w => w.ToArray()).ToList();
        model.Compile("binary_crossentropy", new SGD(0.1));
        var g = new Generator(3);
        var x = Tensor.RandomNormal([16, 6, 6, 2], 2f, 3f, g);
        var y = Tensor.FromArray(Enumerable.Range(0, 16).Select(i => (float)(i % 2)).ToArray(), 16, 1);
        model.Fit(x, y, epochs: 2, batchSize: 4, verbose: 0);
        Assert.Equal(stats, bn.GetWeights().Select(w => w.ToArray()));

        // Unfrozen, the node still runs the base in inference mode (training: false), so BN statistics stay put.
        baseModel.Trainable = true;
        model.Compile("binary_crossentropy", new SGD(0.01));
        model.Fit(x, y, epochs: 1, batchSize: 4, verbose: 0);
        Assert.Equal(stats[2], bn.MovingMean!.Value.ToArray());
        Assert.NotEqual(stats[0], bn.GetWeights()[0].ToArray());   // gamma trains
    }

    [Fact]
    public void TrainableBatchNormUpdatesItsStatisticsInTraining()
    {
        var bn = new BatchNormalization(momentum: 0.5f);
        var x = Tensor.FromArray([1, 2, 3, 5], 4, 1);
        bn.Call(x, training: true);
        // moving_mean = 0.5·0 + 0.5·2.75; moving_variance = 0.5·1 + 0.5·2.1875
        Assert.Equal(1.375f, bn.MovingMean!.Value.Item(), 5);
        Assert.Equal(1.59375f, bn.MovingVariance!.Value.Item(), 5);
        var before = bn.MovingMean.Value.Item();
        bn.Call(x, training: false);
        Assert.Equal(before, bn.MovingMean.Value.Item());
        bn.Trainable = false;
        bn.Call(x, training: true);               // frozen: inference mode
        Assert.Equal(before, bn.MovingMean.Value.Item());
    }

    [Theory]
    [InlineData(".h5")]
    [InlineData(".keras")]
    public void FunctionalModelsRoundTripThroughFiles(string extension)
    {
        var model = Residual("round");
        string path = Path.Combine(Path.GetTempPath(), $"graft-{Guid.NewGuid():N}{extension}");
        try
        {
            model.Save(path);
            var loaded = Model.Load(path);
            Assert.Equal(model.Layers.Select(l => l.Name), loaded.Layers.Select(l => l.Name));
            var x = Tensor.RandomNormal([2, 8, 8, 3]);
            Assert.Equal(model.Predict(x).ToArray(), loaded.Predict(x).ToArray());
            var clone = model.Clone();
            Assert.NotSame(model.GetLayer("c1"), clone.GetLayer("c1"));
            clone.SetWeights(model.GetWeights());
            Assert.Equal(model.Predict(x).ToArray(), clone.Predict(x).ToArray());
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void GraphErrorsAreExplained()
    {
        var a = Keras.Input([3]);
        var stray = Keras.Input([3]);
        var y = new Add().Call([a, stray]);
        var ex = Assert.Throws<ArgumentException>(() => new Model(a, y));
        Assert.Contains("expected every input of the graph among the model's inputs", ex.Message);
        Assert.Contains("expected at least 2 inputs, got 1", Assert.Throws<ArgumentException>(() => new Add().Call([a])).Message);
    }

    [Fact]
    public void SeveralOutputsAreNeverSilentlyReducedToTheFirst()
    {
        var input = Keras.Input([4]);
        var twoOutputs = new Model([input], [new Dense(1, name: "score").Call(input), new Dense(2, name: "klass").Call(input)]);
        twoOutputs.Compile("mse", "sgd");
        var x = Tensor.RandomNormal([8, 4]);
        var y = Tensor.RandomNormal([8, 1]);
        // Training or scoring only the first output would drop the others' losses without a word:
        // one target for two outputs is refused, naming the outputs.
        Assert.Contains("score, klass", Assert.Throws<ArgumentException>(() => twoOutputs.Fit(x, y, verbose: 0)).Message);
        Assert.Contains("score, klass", Assert.Throws<ArgumentException>(() => twoOutputs.Evaluate(x, y)).Message);
        // A single-tensor call returns one tensor: it must not be the first output only.
        Assert.Contains("Call(IReadOnlyList", Assert.Throws<InvalidOperationException>(() => twoOutputs.Call(x)).Message);
        Assert.Throws<InvalidOperationException>(() => new Sequential([twoOutputs, new Dense(1)]).Predict(x));
        Assert.Equal(2, twoOutputs.Call([x]).Count);
        Assert.Equal(2, twoOutputs.PredictOutputs(x).Count);
    }
}
