using Graft.Layers.Normalization;
using Graft.Layers.Regularization;
using Graft.Tensors;
using Graft.Tests.Testing;

namespace Graft.Tests.Layers;

/// <summary>
/// GroupNormalization, UnitNormalization, AlphaDropout, GaussianDropout and the spatial dropouts
/// against Keras's formulas (keras/src/layers/normalization, keras/src/layers/regularization),
/// computed in float64 here.
/// </summary>
public class NormalizationRegularizationTests
{
    [Fact]
    public void GroupNormalizationNormalizesEachGroupOverItsChannelsAndPositions()
    {
        // (batch 2, steps 3, channels 4) in 2 groups of 2 channels; gamma and beta per channel.
        var x = GradCheck.Uniform([2, 3, 4], 5, -2f, 2f);
        var layer = new GroupNormalization(2, epsilon: 1e-3);
        layer.Call(x);
        float[] gamma = [0.5f, 1.5f, -1f, 2f], beta = [0.1f, -0.2f, 0.3f, 0f];
        layer.SetWeights([Tensor.FromArray(gamma, 4), Tensor.FromArray(beta, 4)]);
        var v = x.ToArray();
        var expected = new float[v.Length];
        for (int b = 0; b < 2; b++)
            for (int g = 0; g < 2; g++)
            {
                var idx = (from t in Enumerable.Range(0, 3) from c in new[] { 2 * g, 2 * g + 1 } select b * 12 + t * 4 + c).ToArray();
                double mean = idx.Average(i => (double)v[i]), variance = idx.Average(i => (v[i] - mean) * (v[i] - mean));
                foreach (var i in idx) expected[i] = (float)((v[i] - mean) / Math.Sqrt(variance + 1e-3) * gamma[i % 4] + beta[i % 4]);
            }
        Assertions.Close(expected, layer.Call(x), 1e-5f);
    }

    [Fact]
    public void GroupNormalizationChecksItsGroups()
    {
        var e = Assert.Throws<ArgumentException>(() => new GroupNormalization(3).Call(Tensor.Zeros([2, 4])));
        Assert.Contains("divides the 4 channels", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new GroupNormalization(0));
        Assert.Equal(32, (int)new GroupNormalization().GetConfig()["groups"]!);
    }

    [Fact]
    public void UnitNormalizationGivesUnitNormsAndKeepsZeroVectorsFinite()
    {
        var x = Tensor.FromArray([3f, 4f, 0f, 0f, 1f, 2f, 2f, 1f], 2, 4);
        Assertions.Close([0.6f, 0.8f, 0f, 0f, 0.31622776f, 0.6324555f, 0.6324555f, 0.31622776f], new UnitNormalization().Call(x));
        float all = (float)Math.Sqrt(9 + 16 + 1 + 4 + 4 + 1);          // one norm over both axes
        Assertions.Close(new[] { 3f, 4f, 0f, 0f, 1f, 2f, 2f, 1f }.Select(v => v / all).ToArray(), new UnitNormalization([0, 1]).Call(x));
        Assert.Equal([0f, 0f], new UnitNormalization().Call(Tensor.Zeros([1, 2])).ToArray());
        Assert.Equal("[0,1]", new UnitNormalization([0, 1]).GetConfig()["axis"]!.ToJsonString());
        Assert.Equal("-1", new UnitNormalization().GetConfig()["axis"]!.ToJsonString());
    }

    [Fact]
    public void AlphaDropoutSetsDroppedUnitsToTheSaturationAndKeepsMeanAndVariance()
    {
        const double rate = 0.2, alphaP = -1.6732632423543772 * 1.0507009873554805;
        double a = Math.Pow((1 - rate) * (1 + rate * alphaP * alphaP), -0.5), b = -a * alphaP * rate;
        var x = Tensor.RandomNormal([200, 100], 0f, 1f, new Generator(3));
        var layer = new AlphaDropout(rate, seed: 7);
        Assert.Equal(x.ToArray(), layer.Call(x).ToArray());            // inference: unchanged
        var y = layer.Call(x, training: true).ToArray();
        var xs = x.ToArray();
        int dropped = 0;
        for (int i = 0; i < y.Length; i++)
        {
            bool isDropped = Math.Abs(y[i] - (a * alphaP + b)) < 1e-5 && Math.Abs(y[i] - (a * xs[i] + b)) > 1e-4;
            if (isDropped) dropped++;
            else Assert.True(Math.Abs(y[i] - (a * xs[i] + b)) < 1e-5, $"element {i}: expected a·x + b = {a * xs[i] + b}, got {y[i]}");
        }
        Assert.InRange(dropped / (double)y.Length, 0.18, 0.22);
        double mean = y.Average(v => (double)v), variance = y.Average(v => (v - mean) * (v - mean));
        Assert.InRange(mean, -0.03, 0.03);
        Assert.InRange(variance, 0.95, 1.05);
    }

    [Fact]
    public void GaussianDropoutMultipliesByNoiseOfMeanOne()
    {
        var x = Tensor.Ones([100, 100]);
        var layer = new GaussianDropout(0.5, seed: 2);
        Assert.Equal(x.ToArray(), layer.Call(x).ToArray());
        var y = layer.Call(x, training: true).ToArray();
        double mean = y.Average(v => (double)v), variance = y.Average(v => (v - mean) * (v - mean));
        Assert.InRange(mean, 0.97, 1.03);
        Assert.InRange(variance, 0.95, 1.05);                          // rate / (1 − rate) = 1
    }

    [Fact]
    public void SpatialDropoutsDropWholeChannels()
    {
        var y1 = new SpatialDropout1D(0.5, seed: 1).Call(Tensor.Ones([4, 5, 6]), training: true).ToArray();
        for (int b = 0; b < 4; b++)
            for (int c = 0; c < 6; c++)
                Assert.Single(Enumerable.Range(0, 5).Select(t => y1[b * 30 + t * 6 + c]).Distinct());
        Assert.Contains(0f, y1);
        Assert.Contains(2f, y1);
        var y3 = new SpatialDropout3D(0.5, "channels_first", seed: 1).Call(Tensor.Ones([3, 4, 2, 2, 2]), training: true).ToArray();
        for (int i = 0; i < 12; i++) Assert.Single(y3.Skip(i * 8).Take(8).Distinct());
        Assert.Contains(0f, y3);
    }
}
