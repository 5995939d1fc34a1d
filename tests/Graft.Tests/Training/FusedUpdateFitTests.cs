using Graft.Constraints;
using Graft.Layers;
using Graft.Layers.Core;
using Graft.Layers.Reshaping;
using Graft.Models;
using Graft.Optimizers;
using Graft.Regularizers;
using Graft.Tensors;

namespace Graft.Tests.Training;

/// <summary>
/// Fit with SGD applies each Dense kernel's update while its gradient is computed (the backward pass
/// is offered the step's updates); the weights end bit for bit as with a separate update pass,
/// which an SGD with a clip value too large to clip anything still takes, since clipping needs
/// whole gradients.
/// </summary>
public class FusedUpdateFitTests
{
    private static int Bits(float v) => BitConverter.SingleToInt32Bits(v);

    private static (Tensor X, Tensor Y) Data(int samples, int features, int classes, int seed)
    {
        var g = new Generator(seed);
        var x = Tensor.RandomNormal([samples, features], generator: g);
        var y = Tensor.FromArray(Enumerable.Range(0, samples).Select(_ => (float)g.NextInt(classes)).ToArray(), samples);
        return (x, y);
    }

    private static IReadOnlyList<Tensor> Train(Func<Model> build, Optimizer optimizer, Tensor x, Tensor y, int threads = 2)
    {
        using var _ = new GraftContext { Threads = threads }.Use();
        GraftContext.Current.SetSeed(3);
        var model = build();
        model.Compile("sparse_categorical_crossentropy", optimizer);
        model.Fit(x, y, batchSize: 32, epochs: 2, verbose: 0);
        return model.GetWeights();
    }

    private static void AssertSame(IReadOnlyList<Tensor> expected, IReadOnlyList<Tensor> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
            Assert.True(expected[i].ToArray().Select(Bits).SequenceEqual(actual[i].ToArray().Select(Bits)),
                $"weight {i} (shape {expected[i].Shape}): expected the same bits as with a separate update pass, got different values.");
    }

    private static Sequential Mlp(Constraint? constraint = null, Regularizer? regularizer = null)
    {
        var model = new Sequential([new Flatten(inputShape: [12, 16])]);
        model.Add(new Dense(100, activation: "selu", kernelConstraint: constraint));
        model.Add(new Dense(30, activation: "relu", kernelRegularizer: regularizer));
        model.Add(new Dense(5, activation: "softmax"));
        return model;
    }

    public static TheoryData<double, bool> Momenta => new() { { 0, false }, { 0.9, false }, { 0.9, true } };

    [Theory]
    [MemberData(nameof(Momenta))]
    public void SgdWeightsAreTheSameAsWithASeparateUpdatePass(double momentum, bool nesterov)
    {
        var (x, y) = Data(320, 12 * 16, 5, 1);
        x = Graft.Autograd.Ops.Reshape(x, 320, 12, 16);
        var fused = Train(() => Mlp(), new SGD(0.05, momentum, nesterov), x, y);
        var separate = Train(() => Mlp(), new SGD(0.05, momentum, nesterov, clipvalue: 1e30), x, y);
        AssertSame(separate, fused);
        // And the same under any thread count (the blocks are shared between threads).
        AssertSame(fused, Train(() => Mlp(), new SGD(0.05, momentum, nesterov), x, y, threads: 1));
        AssertSame(fused, Train(() => Mlp(), new SGD(0.05, momentum, nesterov), x, y, threads: 3));
    }

    [Fact]
    public void ConstraintsPenaltiesAndAveragesStillApply()
    {
        var (x, y) = Data(320, 12 * 16, 5, 2);
        x = Graft.Autograd.Ops.Reshape(x, 320, 12, 16);
        Sequential Build() => Mlp(new MaxNorm(0.5f), new L2(0.01f));
        var fused = Train(Build, new SGD(0.1) { UseEma = true }, x, y);
        var separate = Train(Build, new SGD(0.1, clipvalue: 1e30) { UseEma = true }, x, y);
        AssertSame(separate, fused);
        // The constraint did bind: every column of the first kernel has a norm of at most 0.5.
        var kernel = fused[0].ToArray();
        for (int j = 0; j < 100; j++)
        {
            double sq = 0;
            for (int i = 0; i < 12 * 16; i++) sq += (double)kernel[i * 100 + j] * kernel[i * 100 + j];
            Assert.True(Math.Sqrt(sq) <= 0.5 + 1e-5, $"column {j}: expected a norm <= 0.5 (MaxNorm), got {Math.Sqrt(sq)}");
        }
    }

    [Fact]
    public void ASharedDenseLayerTrainsAsWithASeparateUpdatePass()
    {
        var (x, y) = Data(96, 20, 20, 3);
        Model Build()
        {
            var input = Keras.Input([20]);
            var shared = new Dense(20, activation: "relu");
            var output = new Dense(20, activation: "softmax").Call(shared.Call(shared.Call(input)));
            return new Model(input, output);
        }
        AssertSame(Train(Build, new SGD(0.05, clipvalue: 1e30), x, y), Train(Build, new SGD(0.05), x, y));
    }

    [Fact]
    public void OptionsThatNeedWholeGradientsTurnTheFusedStepOff()
    {
        var weights = new Dense(2, inputShape: [3]).TrainableWeights;
        Assert.NotNull(new SGD(0.1).BeginStep(weights));
        Assert.NotNull(new SGD(0.1, momentum: 0.9, weightDecay: 0).BeginStep(weights));
        Assert.Null(new SGD(0.1, clipvalue: 1).BeginStep(weights));
        Assert.Null(new SGD(0.1, clipnorm: 1).BeginStep(weights));
        Assert.Null(new SGD(0.1, globalClipnorm: 1).BeginStep(weights));
        Assert.Null(new SGD(0.1, weightDecay: 0.01).BeginStep(weights));
        Assert.Null(new SGD(0.1) { GradientAccumulationSteps = 2 }.BeginStep(weights));
        // Optimizers without an update by ranges keep the separate pass.
        Assert.Null(new Adam().BeginStep(weights));
    }
}
