using Graft.Autograd;
using Graft.Layers.Core;
using Graft.Models;
using Graft.Tensors;
using Graft.Tensors.Backends;
using Graft.Tests.Testing;
using Graft.Training;

namespace Graft.Tests.Tensors.Backends;

/// <summary>
/// The float64 reference backend as a second device: placement and transfers, mixed-device errors,
/// its own accuracy, the fallbacks it runs (optimizer steps) against the CPU's fused kernels, and a
/// whole training run on it. Op-by-op comparisons live in the gradient tests (<see cref="GradCheck.Check"/>).
/// </summary>
public class ReferenceBackendTests
{
    private static Tensor OnReference(float[] values, params int[] shape) => Tensor.FromArray(values, shape, Device.Reference);

    [Fact]
    public void DefaultDevicePlacesNewTensorsAndOpsFollowTheirOperands()
    {
        var cpu = Tensor.FromArray([1f, 2f], 2);
        Assert.Equal(Device.Cpu, DefaultDevice.Current);
        using (DefaultDevice.Use(Device.Reference))
        {
            Assert.Equal(Device.Reference, Tensor.Zeros(3).Device);
            Assert.Equal(Device.Reference, Tensor.FromArray([1f], 1).Device);
            Assert.Equal(Device.Reference, Tensor.RandomNormal([2], generator: new Generator(1)).Device);
            using (DefaultDevice.Use(Device.Cpu)) Assert.Equal(Device.Cpu, Tensor.Ones(2).Device);
            Assert.Equal(Device.Reference, Tensor.Scalar(1f).Device);
            // An op's result lives with its operands, whatever the default.
            Assert.Equal(Device.Cpu, Ops.Add(cpu, cpu).Device);
        }
        Assert.Equal(Device.Cpu, Tensor.Zeros(3).Device);
        Assert.Equal(Device.Reference, Tensor.Zeros([2], Device.Reference).Device);
        Assert.Equal(Device.Reference, Ops.Exp(OnReference([0f], 1)).Device);
    }

    [Fact]
    public void ValuesSurviveTransfersAndCrossDeviceAssign()
    {
        float[] values = [1.5f, -2.25f, 3e-8f, 7f, float.MaxValue, -0f];
        var r = OnReference(values, 2, 3);
        Assert.Equal(values, r.ToArray());
        Assert.Equal(values, r.To(Device.Cpu).ToArray());
        Assert.Equal(7f, r.GetValue(1, 0));
        var buffer = new float[2];
        r.CopyTo(3, buffer);
        Assert.Equal([7f, float.MaxValue], buffer);
        var target = Tensor.Zeros(2, 3);
        target.Assign(r);
        Assert.Equal(values, target.ToArray());
        Assert.Same(r, r.To(Device.Reference));
    }

    public static TheoryData<string, Func<Tensor, Tensor, Tensor>> MixedOps => new()
    {
        { "Add", (a, b) => Ops.Add(a, b) },
        { "Multiply", (a, b) => Ops.Multiply(a, b) },
        { "MatMul", (a, b) => Ops.MatMul(a, b) },
        { "Concatenate", (a, b) => Ops.Concatenate([a, b], 0) },
        { "Where", (a, b) => Ops.Where(a, a, b) },
        { "Dense", (a, b) => Ops.Dense(a, b, null, Graft.Activations.ActivationFunction.Get("relu")) },
        { "Conv2D", (a, b) => Ops.Conv2D(Ops.Reshape(a, 1, 2, 2, 1), Ops.Reshape(b, 1, 1, 1, 4)) },
    };

    [Theory]
    [MemberData(nameof(MixedOps))]
    public void OpsOnTwoDevicesSayWhichOpAndWhichDevices(string op, Func<Tensor, Tensor, Tensor> f)
    {
        var cpu = Tensor.FromArray([1f, 2f, 3f, 4f], 2, 2);
        var reference = OnReference([1f, 2f, 3f, 4f], 2, 2);
        foreach (var (a, b) in new[] { (cpu, reference), (reference, cpu) })
        {
            var e = Assert.Throws<InvalidOperationException>(() => f(a, b));
            Assert.StartsWith(op + ":", e.Message);
            Assert.Contains("expected operands on one device", e.Message);
            Assert.Contains("Cpu", e.Message);
            Assert.Contains("Reference", e.Message);
        }
    }

    [Fact]
    public void CpuMemoryIsNotReadableOnAnotherDevice()
    {
        var e = Assert.Throws<InvalidOperationException>(() => OnReference([1f], 1).Data);
        Assert.Contains("expected a tensor on Cpu, got one on Reference", e.Message);
    }

    [Theory]
    // erf to 16 digits (Abramowitz and Stegun, table 7.1; Wolfram for 3.5 and 5).
    [InlineData(0.0, 0.0)]
    [InlineData(0.1, 0.1124629160182849)]
    [InlineData(0.5, 0.5204998778130465)]
    [InlineData(1.0, 0.8427007929497149)]
    [InlineData(2.0, 0.9953222650189527)]
    [InlineData(2.9, 0.9999589021219005)]
    [InlineData(3.5, 0.9999992569016276)]
    [InlineData(-1.5, -0.9661051464753108)]
    [InlineData(5.0, 0.9999999999984626)]
    public void ErfIsAccurateInDoublePrecision(double x, double expected) =>
        Assert.Equal(expected, ReferenceBackend.Erf(x), 1e-14);

    [Fact]
    public void ReferenceValuesStayInDoublePrecision()
    {
        // 1 + 1e-8 is 1 in float32 but not in float64; the difference survives on the reference.
        var one = OnReference([1f], 1);
        var tiny = OnReference([1e-8f], 1);
        var d = Ops.Subtract(Ops.Add(one, tiny), one);
        Assert.Equal(1e-8, GradCheck.Values(d)[0], 1e-15);
        Assert.Equal(0f, Ops.Subtract(Ops.Add(Tensor.FromArray([1f], 1), Tensor.FromArray([1e-8f], 1)), Tensor.FromArray([1f], 1)).Item());
    }

    /// <summary>One update on both devices: the CPU's fused kernel against the reference's primitive fallback.</summary>
    private static void SameStep(int slots, Action<IBackend, Tensor, Tensor, Tensor[]> step)
    {
        int n = 37;
        var w0 = GradCheck.Uniform([n], 1); var g0 = GradCheck.Uniform([n], 2);
        var s0 = Enumerable.Range(0, slots).Select(i => GradCheck.Uniform([n], 3 + i, 0.1f, 1f)).ToArray();
        Tensor[] Run(Device device)
        {
            var w = w0.To(device).Clone(); var g = g0.To(device);
            var s = s0.Select(t => t.To(device).Clone()).ToArray();
            for (int k = 0; k < 3; k++) step(w.Backend, w, g, s);   // a few steps, so slots carry over
            return [w, .. s];
        }
        var cpu = Run(Device.Cpu); var reference = Run(Device.Reference);
        Assert.IsNotAssignableFrom<IOptimizerKernels>(reference[0].Backend);
        Assert.IsAssignableFrom<IOptimizerKernels>(cpu[0].Backend);
        for (int i = 0; i < cpu.Length; i++)
            GradCheck.Close(i == 0 ? "weight" : $"slot {i - 1}", GradCheck.Values(cpu[i]), GradCheck.Values(reference[i]));
        Assert.NotEqual(w0.ToArray(), cpu[0].ToArray());
    }

    [Fact] public void SgdStepFallbackMatchesTheFusedKernel() => SameStep(0, (b, w, g, s) => b.SgdStep(w, g, null, 0.1f, 0f, false));
    [Fact] public void SgdMomentumStepFallbackMatchesTheFusedKernel() => SameStep(1, (b, w, g, s) => b.SgdStep(w, g, s[0], 0.1f, 0.9f, false));
    [Fact] public void SgdNesterovStepFallbackMatchesTheFusedKernel() => SameStep(1, (b, w, g, s) => b.SgdStep(w, g, s[0], 0.1f, 0.9f, true));
    [Fact] public void AdamStepFallbackMatchesTheFusedKernel() => SameStep(2, (b, w, g, s) => b.AdamStep(w, g, s[0], s[1], null, 0.01f, 0.9f, 0.999f, 1e-7f));
    [Fact] public void AmsgradStepFallbackMatchesTheFusedKernel() => SameStep(3, (b, w, g, s) => b.AdamStep(w, g, s[0], s[1], s[2], 0.01f, 0.9f, 0.999f, 1e-7f));
    [Fact] public void NadamStepFallbackMatchesTheFusedKernel() => SameStep(2, (b, w, g, s) => b.NadamStep(w, g, s[0], s[1], 0.01f, 0.9f, 0.999f, 1e-7f, 0.95f, 0.96f, 0.9f, 0.86f, 0.998f));
    [Fact] public void RmsPropStepFallbackMatchesTheFusedKernel() => SameStep(1, (b, w, g, s) => b.RmsPropStep(w, g, s[0], null, null, 0.01f, 0.9f, 0f, 1e-7f));
    [Fact] public void CenteredRmsPropWithMomentumFallbackMatchesTheFusedKernel() =>
        SameStep(3, (b, w, g, s) => b.RmsPropStep(w, g, s[0], s[1], s[2], 0.01f, 0.9f, 0.5f, 1e-7f));
    [Fact] public void AdagradStepFallbackMatchesTheFusedKernel() => SameStep(1, (b, w, g, s) => b.AdagradStep(w, g, s[0], 0.05f, 1e-7f));

    [Fact]
    public void BiasGradientFallbackMatchesTheFusedKernel()
    {
        var x = GradCheck.AwayFromZero([300, 5], 1); var gy = GradCheck.Uniform([300, 5], 2);
        double[][] Run(Device device)
        {
            var (xd, gyd) = (x.To(device), gy.To(device));
            var yd = Ops.Selu(xd);
            var gx = Tensor.Zeros([300, 5], device); var sums = Tensor.Zeros([5], device);
            xd.Backend.UnaryBackwardWithColumnSums(UnaryOp.Selu, xd, yd, gyd, gx, sums);
            return [GradCheck.Values(gx), GradCheck.Values(sums)];
        }
        var (cpu, reference) = (Run(Device.Cpu), Run(Device.Reference));
        GradCheck.Close("activation gradient", cpu[0], reference[0]);
        GradCheck.Close("column sums", cpu[1], reference[1]);
    }

    [Fact]
    public void AModelTrainsOnTheReferenceAsOnTheCpu()
    {
        var x = GradCheck.Uniform([16, 5], 1);
        var y = Tensor.FromArray(Enumerable.Range(0, 16).Select(i => (float)(i % 3)).ToArray(), 16);
        (History History, Tensor Prediction, IReadOnlyList<Tensor> Weights) Train(Device device, IReadOnlyList<Tensor>? start)
        {
            using var _ = DefaultDevice.Use(device);
            var input = Keras.Input([5]);
            var hidden = new Dense(8, activation: "relu").Call(input);
            var model = new Model(input, new Dense(3, activation: "softmax").Call(new Dense(6, activation: "tanh").Call(hidden)));
            if (start is not null) model.SetWeights(start);
            model.Compile("sparse_categorical_crossentropy", new Graft.Optimizers.Adam(0.01), ["accuracy"]);
            var history = model.Fit(x.To(device), y.To(device), batchSize: 4, epochs: 3, shuffle: false, verbose: 0);
            return (history, model.Predict(x.To(device)), model.GetWeights());
        }
        var cpuStart = Train(Device.Cpu, null);
        var initial = cpuStart.Weights;   // trained once, a fine starting point for both runs
        var cpu = Train(Device.Cpu, initial);
        var reference = Train(Device.Reference, initial);
        Assert.Equal(Device.Reference, reference.Prediction.Device);
        Assert.All(reference.Weights, w => Assert.Equal(Device.Reference, w.Device));
        GradCheck.Close("losses", cpu.History["loss"].ToArray(), reference.History["loss"].ToArray());
        Assert.Equal(cpu.History["accuracy"], reference.History["accuracy"]);
        GradCheck.Close("predictions", GradCheck.Values(cpu.Prediction), GradCheck.Values(reference.Prediction));
        for (int i = 0; i < cpu.Weights.Count; i++)
            GradCheck.Close($"weight {i}", GradCheck.Values(cpu.Weights[i]), GradCheck.Values(reference.Weights[i]));
    }
}
