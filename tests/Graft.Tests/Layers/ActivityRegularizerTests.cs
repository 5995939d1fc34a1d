using System.Text.Json.Nodes;
using Graft.Autograd;
using Graft.Initializers;
using Graft.Layers;
using Graft.Layers.Attention;
using Graft.Layers.Convolutional;
using Graft.Layers.Core;
using Graft.Models;
using Graft.Regularizers;
using Graft.Saving;
using Graft.Tensors;
using static Graft.Tests.Testing.GradCheck;

namespace Graft.Tests.Layers;

/// <summary>
/// The activity_regularizer every Keras layer takes (<see cref="Layer.ActivityRegularizer"/>):
/// regularizer(output) / batch size joins the training and evaluation loss, once per output, on any
/// layer; its config round trip (.keras and .h5, Keras 2's and Keras 3's forms); training with it
/// shrinks activations.
/// </summary>
public class ActivityRegularizerTests
{
    private static readonly Tensor X = Tensor.FromArray([1f, 2f, -1f, 0.5f, -3f, 2f, 0f, 1f, 1f, -2f, 0.25f, 4f], 4, 3);

    private static double L2OverBatch(float[] y, int batch, double l2) => l2 * y.Sum(v => (double)v * v) / batch;

    [Fact]
    public void PenaltyIsTheRegularizerOfTheOutputOverTheBatch()
    {
        var dense = new Dense(2, kernelInitializer: new Constant(0.5f), biasInitializer: new Constant(-0.25f)) { ActivityRegularizer = new L2(0.3f) };
        var model = new Sequential([new InputLayer([3]), dense]);
        var y = model.Call(X).ToArray();
        Assert.Equal(L2OverBatch(y, 4, 0.3), model.RegularizationLosses().Single().Item(), 5);
        // The next call replaces the penalty; a functional graph counts each output once.
        var x = Keras.Input([3]);
        var functional = new Model(x, dense.Call(x));
        var y2 = functional.Call(X[..2]).ToArray();
        Assert.Equal(L2OverBatch(y2, 2, 0.3), functional.RegularizationLosses().Single().Item(), 5);
    }

    [Fact]
    public void L1AndL2OnAConvolutionAndAMerge()
    {
        var conv = new Conv1D(2, 2, kernelInitializer: new Constant(0.3f)) { ActivityRegularizer = new L1L2(0.1f, 0.2f) };
        var seq = GradCheck_Input([3, 4, 2]);
        var y = conv.Call(seq).ToArray();
        double expected = (0.1 * y.Sum(v => Math.Abs((double)v)) + 0.2 * y.Sum(v => (double)v * v)) / 3;
        Assert.Equal(expected, conv.RegularizationLosses().Single().Item(), 4);
        var add = new Graft.Layers.Merging.Add { ActivityRegularizer = new L1(0.5f) };
        var sum = add.Call([X, X]).ToArray();
        Assert.Equal(0.5 * sum.Sum(v => Math.Abs((double)v)) / 4, add.RegularizationLosses().Single().Item(), 4);
    }

    private static Tensor GradCheck_Input(int[] shape) => Uniform(shape, 11);

    [Fact]
    public void MultiHeadAttentionPenalizesItsFourProjectionsAsKerasDoes()
    {
        var mha = new MultiHeadAttention(2, 3, kernelInitializer: new Constant(0.1f), biasInitializer: new Constant(0.05f)) { ActivityRegularizer = new L2(1f) };
        var q = Uniform([2, 3, 4], 1);
        var v = Uniform([2, 5, 4], 2);
        var y = mha.Call([q, v]);
        var losses = mha.RegularizationLosses().ToList();
        Assert.Equal(4, losses.Count);
        // Each projection: Σ over its (N, T, heads, dim) output of (x·0.1·d + 0.05)², over the batch.
        static double Projection(Tensor x, int dim) => Enumerable.Range(0, x.Shape.Size / 4).Sum(r =>
        {
            double s = x.ToArray().Skip(r * 4).Take(4).Sum(a => 0.1 * a) + 0.05;
            return 2 * dim * s * s;
        }) / 2;
        Assert.Equal(Projection(q, 3), losses[0].Item(), 4);
        Assert.Equal(Projection(v, 3), losses[1].Item(), 4);
        Assert.Equal(Projection(v, 3), losses[2].Item(), 4);
        Assert.Equal(L2OverBatch(y.ToArray(), 2, 1), losses[3].Item(), 4);
    }

    [Fact]
    public void ConfigRoundTripsInKeras2AndKeras3Forms()
    {
        var keras3 = LayerRegistry.FromConfig("Dense", JsonNode.Parse("""
            {"name": "d", "units": 2, "activity_regularizer": {"module": "keras.regularizers", "class_name": "L1L2", "config": {"l1": 0.0, "l2": 0.01}, "registered_name": null}}
            """)!.AsObject());
        Assert.Equal(0.01f, Assert.IsType<L1L2>(keras3.ActivityRegularizer).L2);
        var keras2 = LayerRegistry.FromConfig("Conv2D", JsonNode.Parse("""
            {"name": "c", "filters": 2, "kernel_size": [3, 3], "activity_regularizer": {"class_name": "L1", "config": {"l1": 0.02}}}
            """)!.AsObject());
        Assert.Equal(0.02f, Assert.IsType<L1>(keras2.ActivityRegularizer).Factor);
        Assert.Null(LayerRegistry.FromConfig("Dense", JsonNode.Parse("""{"name": "n", "units": 2, "activity_regularizer": null}""")!.AsObject()).ActivityRegularizer);
        var written = keras3.GetConfig();
        Assert.Equal("L1L2", (string)written["activity_regularizer"]!["class_name"]!);
        Assert.False(new Dense(2).GetConfig().ContainsKey("activity_regularizer"));
        Assert.IsType<L1L2>(keras3.CloneLayer().ActivityRegularizer);
        var bad = Assert.Throws<ModelFormatException>(() => LayerRegistry.FromConfig("Dense", JsonNode.Parse("""{"name": "b", "units": 2, "activity_regularizer": 3}""")!.AsObject()));
        Assert.Contains("activity_regularizer", bad.Message);
    }

    [Fact]
    public void SavedModelsKeepThePenaltyInBothFormats()
    {
        var x = Keras.Input([3], name: "x");
        var hidden = new Dense(4, activation: "tanh", name: "hidden") { ActivityRegularizer = new L2(0.2f) };
        var model = new Model(x, new Dense(1, name: "out").Call(hidden.Call(x)));
        model.Call(X);
        var penalty = model.RegularizationLosses().Single().Item();
        foreach (var ext in new[] { ".keras", ".h5" })
        {
            string path = Path.Combine(Path.GetTempPath(), $"graft-{Guid.NewGuid():N}{ext}");
            try
            {
                model.Save(path);
                var loaded = Model.Load(path);
                Assert.Equal(0.2f, Assert.IsType<L2>(loaded.GetLayer("hidden").ActivityRegularizer).Factor);
                loaded.Call(X);
                Assert.Equal(penalty, loaded.RegularizationLosses().Single().Item(), 6);
            }
            finally { File.Delete(path); }
        }
    }

    [Fact]
    public void EvaluationLossIncludesThePenalty()
    {
        var model = new Sequential([new InputLayer([3]), new Dense(2, kernelInitializer: new Constant(0.5f), biasInitializer: new Constant(-0.25f)) { ActivityRegularizer = new L1(0.05f) }]);
        model.Compile("mse", "sgd");
        var yTrue = Tensor.FromArray([1f, 0f, 0f, 1f, 2f, -1f, 0.5f, 0.5f], 4, 2);
        var p = model.Predict(X, verbose: 0).ToArray();
        double mse = p.Select((v, i) => Math.Pow(v - yTrue.ToArray()[i], 2)).Average();
        Assert.Equal(mse + 0.05 * p.Sum(v => Math.Abs((double)v)) / 4, model.Evaluate(X, yTrue, batchSize: 4)["loss"], 5);
    }

    [Fact]
    public void PenaltyGradientMatchesFiniteDifferences()
    {
        // Away from zero, where |y| (the L1 term) is smooth; the same weights on both backends.
        var x = AwayFromZero([2, 4], 2);
        var weights = new[] { Uniform([4, 3], 3), Uniform([3], 4) };
        CheckOnBothDevices(device =>
        {
            var dense = new Dense(3, activation: "tanh") { ActivityRegularizer = new L1L2(0f, 0.7f) };
            var input = x.To(device);
            dense.Call(input);
            dense.SetWeights(weights.Select(w => w.To(device)));
            return (t =>
            {
                dense.Call(t[0], training: true);
                return dense.RegularizationLosses().Single();
            }, [input, .. dense.TrainableWeights.Select(v => v.Value)]);
        });
    }

    [Fact]
    public void TrainingWithThePenaltyShrinksActivations()
    {
        // Targets equal to the first outputs: without the penalty the loss is already zero and nothing
        // moves; with it, SGD trades a little error for much smaller activations.
        float Activity(bool regularized)
        {
            var dense = new Dense(3, kernelInitializer: new Constant(0.8f), biasInitializer: new Constant(0.3f));
            if (regularized) dense.ActivityRegularizer = new L2(0.5f);
            var model = new Sequential([new InputLayer([3]), dense]);
            model.Compile("mse", "sgd");
            var target = model.Predict(X, verbose: 0);
            model.Fit(X, target, epochs: 20, batchSize: 4, verbose: 0);
            return Ops.Sum(Ops.Square(model.Predict(X, verbose: 0))).Item();
        }
        float before = Ops.Sum(Ops.Square(new Sequential([new InputLayer([3]), new Dense(3, kernelInitializer: new Constant(0.8f), biasInitializer: new Constant(0.3f))]).Predict(X, verbose: 0))).Item();
        Assert.Equal(before, Activity(false), 3);
        Assert.True(Activity(true) < 0.5f * before, "the activity penalty did not shrink the outputs");
    }
}
