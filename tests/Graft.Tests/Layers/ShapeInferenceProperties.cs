using CsCheck;
using Graft.Layers;
using Graft.Layers.Merging;
using Graft.Tensors;
using Graft.Tests.Testing;

namespace Graft.Tests.Layers;

/// <summary>
/// For every layer of the catalog, on random input shapes of its rank: when the forward pass accepts
/// the shape, <c>ComputeOutputShape</c> predicts the shape it produced. Shapes a layer rejects (a
/// kernel larger than the input, a reshape that does not divide) are skipped, but each layer must
/// accept enough of them for the property to say something.
/// </summary>
public class ShapeInferenceProperties
{
    private const int Cases = 12;

    /// <summary>A batch size and a per-sample shape of the catalog entry's rank, each axis between 1 and a little past the sample's.</summary>
    private static Gen<(int Batch, int[] Sample, int Seed)> Shapes(LayerCatalog.Entry e) =>
        from batch in Gen.Int[1, 3]
        from sample in Gen.Int[1, e.SampleShape.Max() + 2].Array[e.SampleShape.Length]
        from seed in Gen.Int[0, 1 << 20]
        select (batch, sample, seed);

    private static Tensor Input(LayerCatalog.Entry e, int[] shape, int seed)
    {
        var g = new Generator(seed);
        int n = shape.Aggregate(1, (p, d) => p * d);
        var values = Enumerable.Range(0, n).Select(_ => e.Ids > 0 ? g.NextInt(e.Ids) : g.NextFloat() * 2 - 1).ToArray();
        return Tensor.FromArray(values, shape);
    }

    /// <summary>The catalog without InputLayer, which takes only the shape it was declared with.</summary>
    public static IEnumerable<object[]> Entries() =>
        LayerCatalog.All.Where(e => e.Create() is not Graft.Layers.Core.InputLayer).Select(e => new object[] { e });

    [Theory]
    [MemberData(nameof(Entries))]
    public void ComputeOutputShapeMatchesTheForwardPassOnRandomShapes(LayerCatalog.Entry e)
    {
        int accepted = 0;
        Property.ForAll(Shapes(e), Cases, c =>
        {
            var layer = e.Create();
            var xs = Enumerable.Range(0, e.Inputs).Select(i => Input(e, [c.Batch, .. c.Sample], c.Seed + i)).ToArray();
            Tensor y;
            try { y = layer is Merge m ? m.Call(xs) : layer.Call(xs[0]); }
            catch (ArgumentException) { return; }   // a shape this layer does not take
            accepted++;
            int?[] sample = [null, .. c.Sample.Select(d => (int?)d)];
            var predicted = layer is Merge merge ? merge.ComputeOutputShape(Enumerable.Repeat(sample, e.Inputs).ToList()) : layer.ComputeOutputShape(sample);
            Assert.Equal(Layer.FormatShape([null, .. y.Shape.Dims[1..].Select(d => (int?)d)]), Layer.FormatShape(predicted));
        }, c => $"batch {c.Batch}, sample {Property.Text(c.Sample)}");
        Assert.True(accepted >= Cases / 4, $"{e.Name}: expected the forward pass to accept at least {Cases / 4} of {Cases} random shapes, got {accepted}.");
    }
}
