using Graft.Optimizers.Schedules;

namespace Graft.Tests.Optimizers;

/// <summary>InverseTimeDecay, PolynomialDecay and CosineDecayRestarts against Keras's formulas worked by hand.</summary>
public class ScheduleTests
{
    [Fact]
    public void InverseTimeDecay()
    {
        var s = new InverseTimeDecay(0.1, 10, 0.5);
        Assert.Equal(0.1, s.Call(0), 12);
        Assert.Equal(0.1 / 1.25, s.Call(5), 12);
        Assert.Equal(0.1 / 1.5, new InverseTimeDecay(0.1, 10, 0.5, staircase: true).Call(15), 12);
        Assert.Equal(0.1, new InverseTimeDecay(0.1, 10, 0.5, staircase: true).Call(9), 12);
        Assert.Throws<ArgumentOutOfRangeException>(() => new InverseTimeDecay(0.1, 0, 0.5));
    }

    [Fact]
    public void PolynomialDecay()
    {
        var s = new PolynomialDecay(0.1, 10, endLearningRate: 0.01, power: 2);
        Assert.Equal(0.1, s.Call(0), 12);
        Assert.Equal(0.09 * 0.25 + 0.01, s.Call(5), 12);
        Assert.Equal(0.01, s.Call(20), 12);
        var cyc = new PolynomialDecay(0.1, 10, endLearningRate: 0.01, power: 2, cycle: true);
        Assert.Equal(0.1, cyc.Call(0), 12);
        // Step 15 decays toward step 20: (1 − 15/20)² · 0.09 + 0.01.
        Assert.Equal(0.0625 * 0.09 + 0.01, cyc.Call(15), 12);
        Assert.Equal(0.01, cyc.Call(10), 12);
        Assert.Equal(0.09 * 0.25 + 0.0001, new PolynomialDecay(0.0901, 10, power: 2).Call(5), 12);
    }

    [Fact]
    public void CosineDecayRestarts()
    {
        var s = new CosineDecayRestarts(1.0, 10, tMul: 2, mMul: 0.5);
        Assert.Equal(1.0, s.Call(0), 12);
        Assert.Equal(0.5, s.Call(5), 12);
        // Second period: 20 steps from step 10, peak 0.5.
        Assert.Equal(0.5, s.Call(10), 12);
        Assert.Equal(0.25, s.Call(20), 12);
        var even = new CosineDecayRestarts(1.0, 10, tMul: 1, alpha: 0.1);
        Assert.Equal(0.9 * 0.5 + 0.1, even.Call(15), 12);
        Assert.Equal(1.0, even.Call(10), 12);
        Assert.Equal(0.9 * 0.5 * (1 + Math.Cos(Math.PI * 0.9)) + 0.1, even.Call(9), 12);
    }
}
