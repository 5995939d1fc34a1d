using Graft.Autograd;
using Graft.Initializers;
using Graft.Tensors;

namespace Graft.Tests.Initializers;

/// <summary>Initializers against Keras's formulas: bounds and variances from the fans.</summary>
public class InitializerTests
{
    private static (float min, float max, double variance) Stats(Tensor t) =>
        (t.Min().Item(), t.Max().Item(), Ops.Variance(t).Item());

    [Fact]
    public void GlorotUniformLimitIsSqrt6OverFanSum()
    {
        var t = new GlorotUniform { Seed = 1 }.Call([300, 100]);
        double limit = Math.Sqrt(6.0 / 400);
        var (min, max, variance) = Stats(t);
        Assert.InRange(min, -limit, -limit * 0.99);
        Assert.InRange(max, limit * 0.99, limit);
        Assert.InRange(variance, 2.0 / 400 * 0.95, 2.0 / 400 * 1.05);
    }

    [Theory]
    [InlineData("lecun_normal", 1.0, "in")]
    [InlineData("he_normal", 2.0, "in")]
    [InlineData("glorot_normal", 1.0, "avg")]
    [InlineData("he_uniform", 2.0, "in")]
    [InlineData("lecun_uniform", 1.0, "in")]
    public void VarianceIsScaleOverFan(string name, double scale, string mode)
    {
        var init = Initializer.Get(name);
        var t = new Initializers_Seeded(init).Call([400, 200]);
        double fan = mode == "in" ? 400 : 300;
        Assert.InRange(Ops.Variance(t).Item(), scale / fan * 0.93, scale / fan * 1.07);
        if (name.EndsWith("normal"))
        {
            // Truncated at two standard deviations of the untruncated distribution.
            double sd = Math.Sqrt(scale / fan) / 0.87962566103423978;
            Assert.True(Math.Abs(t.Max().Item()) <= 2 * sd + 1e-6 && Math.Abs(t.Min().Item()) <= 2 * sd + 1e-6);
        }
    }

    /// <summary>Draws from a fixed seed in a context of its own, leaving the caller's random stream alone.</summary>
    private sealed class Initializers_Seeded(Initializer inner) : Initializer
    {
        public override Tensor Call(int[] shape)
        {
            using (new GraftContext(seed: 11).Use()) return inner.Call(shape);
        }
    }

    [Fact]
    public void ConvolutionFansIncludeTheReceptiveField()
    {
        Assert.Equal((3 * 3 * 16.0, 3 * 3 * 32.0), Initializer.Fans([3, 3, 16, 32]));
        Assert.Equal((5.0, 5.0), Initializer.Fans([5]));
    }

    [Fact]
    public void ConstantsAndSimpleDistributions()
    {
        Assert.All(new Zeros().Call([3]).ToArray(), v => Assert.Equal(0f, v));
        Assert.All(new Ones().Call([3]).ToArray(), v => Assert.Equal(1f, v));
        Assert.All(new Constant(0.5f).Call([3]).ToArray(), v => Assert.Equal(0.5f, v));
        var u = new RandomUniform { Seed = 2 }.Call([1000]);
        Assert.True(u.Min().Item() >= -0.05f && u.Max().Item() < 0.05f);
        var n = new RandomNormal { Seed = 3 }.Call([20000]);
        Assert.InRange(Math.Sqrt(Ops.Variance(n).Item()), 0.048, 0.052);
        var tn = new TruncatedNormal { Seed = 4 }.Call([1000]);
        Assert.True(tn.Max().Item() <= 0.1f && tn.Min().Item() >= -0.1f);
    }

    [Fact]
    public void OrthogonalColumnsAreOrthonormal()
    {
        var q = new Orthogonal { Seed = 5 }.Call([6, 4]);
        var qtq = Ops.MatMul(q, q, transposeA: true).ToArray();
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 4; j++)
                Assert.Equal(i == j ? 1f : 0f, qtq[i * 4 + j], 4);
        var wide = new Orthogonal(gain: 2f) { Seed = 6 }.Call([3, 5]);
        var rows = Ops.MatMul(wide, wide, transposeB: true).ToArray();
        Assert.Equal(4f, rows[0], 4);
        Assert.Equal(0f, rows[1], 4);
    }

    [Fact]
    public void SeedsRepeatAndUnknownNamesAreExplained()
    {
        Assert.Equal(new HeNormal { Seed = 7 }.Call([4, 4]).ToArray(), new HeNormal { Seed = 7 }.Call([4, 4]).ToArray());
        var ex = Assert.Throws<ArgumentException>(() => Initializer.Get("glorot"));
        Assert.Contains("expected one of glorot_uniform", ex.Message);
        Assert.Contains("got 'glorot'", ex.Message);
    }
}
