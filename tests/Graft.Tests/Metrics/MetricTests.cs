using Graft.Metrics;
using Graft.Tensors;

namespace Graft.Tests.Metrics;

public class MetricTests
{
    private static Tensor M(int rows, params float[] v) => Tensor.FromArray(v, rows, v.Length / rows);
    private static Tensor T(params float[] v) => Tensor.FromArray(v, v.Length);

    [Fact]
    public void AccuracyResolvesFromShapesAsKerasDoes()
    {
        Assert.IsType<BinaryAccuracy>(AutoAccuracy.Resolve(new Shape(4), new Shape(4, 1), "accuracy"));
        Assert.IsType<SparseCategoricalAccuracy>(AutoAccuracy.Resolve(new Shape(4), new Shape(4, 8), "accuracy"));
        Assert.IsType<SparseCategoricalAccuracy>(AutoAccuracy.Resolve(new Shape(4, 1), new Shape(4, 8), "accuracy"));
        Assert.IsType<CategoricalAccuracy>(AutoAccuracy.Resolve(new Shape(4, 8), new Shape(4, 8), "accuracy"));
        var acc = Metric.Get("accuracy");
        acc.UpdateState(T(1, 0, 1), M(3, 0.9f, 0.6f, 0.2f));
        Assert.Equal(1.0 / 3, acc.Result(), 6);
        Assert.Equal("accuracy", acc.Name);
    }

    [Fact]
    public void AccumulatesAcrossBatchesAndResets()
    {
        var acc = new SparseCategoricalAccuracy();
        acc.UpdateState(T(0, 1), M(2, 0.9f, 0.1f, 0.8f, 0.2f));   // 1 of 2
        acc.UpdateState(T(1), M(1, 0.3f, 0.7f));                   // 1 of 1
        Assert.Equal(2.0 / 3, acc.Result(), 6);
        acc.ResetState();
        Assert.Equal(0, acc.Result());
        var cat = new CategoricalAccuracy();
        cat.UpdateState(M(2, 0, 1, 1, 0), M(2, 0.2f, 0.8f, 0.4f, 0.6f));
        Assert.Equal(0.5, cat.Result(), 6);
    }

    [Fact]
    public void PrecisionRecallAuc()
    {
        var y = T(1, 1, 0, 0, 1); var p = T(0.9f, 0.4f, 0.6f, 0.1f, 0.8f);
        var prec = new Precision(); prec.UpdateState(y, p);
        var rec = new Recall(); rec.UpdateState(y, p);
        Assert.Equal(2.0 / 3, prec.Result(), 6);
        Assert.Equal(2.0 / 3, rec.Result(), 6);
        var auc = new AUC(); auc.UpdateState(y, p);
        // Exact ROC AUC: of 6 positive/negative pairs, 5 are ordered correctly.
        Assert.Equal(5.0 / 6, auc.Result(), 2);
        var perfect = new AUC(); perfect.UpdateState(T(0, 0, 1, 1), T(0.1f, 0.2f, 0.8f, 0.9f));
        Assert.Equal(1.0, perfect.Result(), 3);
    }

    [Fact]
    public void TopKAndErrors()
    {
        var p = M(2, 0.5f, 0.3f, 0.2f, 0.1f, 0.2f, 0.7f);
        var top2 = new SparseTopKCategoricalAccuracy(k: 2); top2.UpdateState(T(1, 0), p);
        Assert.Equal(0.5, top2.Result(), 6);
        var top2c = new TopKCategoricalAccuracy(k: 2); top2c.UpdateState(M(2, 0, 1, 0, 1, 0, 0), p);
        Assert.Equal(0.5, top2c.Result(), 6);
        var mse = Metric.Get("mse"); mse.UpdateState(M(2, 1, 2), M(2, 2, 2));
        Assert.Equal(0.5, mse.Result(), 6);
        Assert.Equal("mse", mse.Name);
        var mae = Metric.Get("mae"); mae.UpdateState(M(2, 1, 2), M(2, 3, 2));
        Assert.Equal(1.0, mae.Result(), 6);
    }
}
