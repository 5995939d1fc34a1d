using Graft.Activations;
using Graft.Autograd;
using Graft.Tensors;
using Graft.Tensors.Backends;

namespace Graft.Tests.Autograd;

/// <summary>
/// Weight updates offered to a backward pass (WeightUpdates): a Dense rule that is its kernel's only
/// consumer hands the gradient to the update instead of storing it, with the same values; a kernel
/// that another op also reads (a shared layer, a penalty on the weight) keeps its stored gradient.
/// </summary>
public class WeightUpdatesTests
{
    /// <summary>Records the gradients handed to it, as the whole array per weight.</summary>
    private sealed class Recorder : WeightUpdates
    {
        public readonly Dictionary<Tensor, float[]> Gradients = new(ReferenceEqualityComparer.Instance);
        public readonly List<Tensor> Handed = [];

        protected override WeightRangeUpdate? UpdateFor(Tensor w)
        {
            var whole = Gradients[w] = new float[w.Size];
            return (start, g) => { lock (whole) g.CopyTo(whole.AsSpan(start)); };
        }

        protected override void OnApplied(Tensor w) => Handed.Add(w);
    }

    private static int Bits(float v) => BitConverter.SingleToInt32Bits(v);

    private static (Tensor X, Tensor W, Tensor B) Leaves(int batch, int inputs, int units, int seed)
    {
        var g = new Generator(seed);
        var w = Tensor.RandomNormal([inputs, units], stddev: 0.1f, generator: g); w.RequiresGrad = true;
        var b = Tensor.RandomNormal([units], generator: g); b.RequiresGrad = true;
        return (Tensor.RandomNormal([batch, inputs], generator: g), w, b);
    }

    [Theory]
    [InlineData(32, 784, 300)]
    [InlineData(5, 3, 7)]
    public void TheOnlyConsumerOfAKernelHandsItsGradientToTheUpdate(int batch, int inputs, int units)
    {
        var (x, w, b) = Leaves(batch, inputs, units, 1);
        var selu = ActivationFunction.Get("selu");
        Ops.Sum(Ops.Dense(x, w, b, selu)).Backward();
        var stored = w.Grad!.ToArray();
        var bias = b.Grad!.ToArray();
        w.ZeroGrad(); b.ZeroGrad();

        var recorder = new Recorder();
        using (recorder.Offer()) Ops.Sum(Ops.Dense(x, w, b, selu)).Backward();
        Assert.Null(w.Grad);
        Assert.Same(w, Assert.Single(recorder.Handed));
        Assert.Equal(stored.Select(Bits), recorder.Gradients[w].Select(Bits));
        // The bias's gradient (a weight the rule does not hand over) is stored as before.
        Assert.Equal(bias.Select(Bits), b.Grad!.ToArray().Select(Bits));
    }

    [Fact]
    public void AKernelReadByTwoDenseCallsKeepsItsStoredGradient()
    {
        var (x, w, _) = Leaves(6, 4, 4, 2);
        var relu = ActivationFunction.Get("relu");
        Ops.Sum(Ops.Dense(Ops.Dense(x, w, null, relu), w, null, relu)).Backward();
        var expected = w.Grad!.ToArray();
        w.ZeroGrad();

        var recorder = new Recorder();
        using (recorder.Offer()) Ops.Sum(Ops.Dense(Ops.Dense(x, w, null, relu), w, null, relu)).Backward();
        Assert.Empty(recorder.Handed);
        Assert.Equal(expected.Select(Bits), w.Grad!.ToArray().Select(Bits));
    }

    [Fact]
    public void AKernelWithAPenaltyKeepsItsStoredGradient()
    {
        // The penalty's rule reads w too: whichever of the two runs last, the Dense rule either finds
        // a gradient already there or is not the last consumer.
        var (x, w, b) = Leaves(6, 4, 3, 3);
        var selu = ActivationFunction.Get("selu");
        Tensor Loss() => Ops.Add(Ops.Sum(Ops.Dense(x, w, b, selu)), Ops.Sum(Ops.Multiply(w, w)));
        Loss().Backward();
        var expected = w.Grad!.ToArray();
        w.ZeroGrad(); b.ZeroGrad();

        var recorder = new Recorder();
        using (recorder.Offer()) Loss().Backward();
        Assert.Empty(recorder.Handed);
        Assert.Equal(expected.Select(Bits), w.Grad!.ToArray().Select(Bits));
    }

    [Fact]
    public void UpdatesAreOfferedOncePerThread()
    {
        var recorder = new Recorder();
        using (recorder.Offer())
        {
            var ex = Assert.Throws<InvalidOperationException>(() => new Recorder().Offer());
            Assert.Contains("expected no updates offered", ex.Message);
        }
        // Disposed: offering again works.
        using (recorder.Offer()) { }
    }
}
