using Graft.Autograd;
using Graft.Layers.Preprocessing;
using Graft.Tensors;
using Graft.Tests.Testing;

namespace Graft.Tests.Layers.Preprocessing;

/// <summary>Resizing, CenterCrop and RandomCrop: windows, shapes in both layouts, and the deterministic modes.</summary>
public class CroppingAndResizingTests
{
    private static Tensor Distinct(int n, int h, int w, int c) => Tensor.FromArray(Enumerable.Range(0, n * h * w * c).Select(i => (float)i).ToArray(), n, h, w, c);

    [Fact]
    public void RandomCropTakesAWindowOfTheImageAtRandomOffsets()
    {
        var x = Distinct(2, 6, 7, 1);
        var layer = new RandomCrop(3, 4, seed: 1);
        var offsets = new HashSet<(int, int)>();
        for (int call = 0; call < 30; call++)
        {
            var y = layer.Call(x, training: true).ToArray();
            // The first pixel says where the window starts; the whole window and the second image follow it.
            int top = (int)y[0] / 7, left = (int)y[0] % 7;
            Assert.InRange(top, 0, 3); Assert.InRange(left, 0, 3);
            var expected = Ops.Slice(x, [0, top, left, 0], [2, 3, 4, 1], [1, 1, 1, 1]).ToArray();
            Assert.Equal(expected, y);
            offsets.Add((top, left));
        }
        Assert.True(offsets.Count > 8, $"expected many different windows over 30 calls, got {offsets.Count}");
    }

    [Fact]
    public void RandomCropOfAnImageTheWindowsSizeIsTheImage()
    {
        var x = Distinct(1, 3, 4, 2);
        Assert.Equal(x.ToArray(), new RandomCrop(3, 4, seed: 2).Call(x, training: true).ToArray());
    }

    [Fact]
    public void RandomCropAtInferenceIsCenterCropWhenTheImageIsLarger()
    {
        var x = Distinct(2, 6, 7, 1);
        // Keras's smart_resize: the largest centered window of aspect 3:4 in 6x7 has int(7·3/4) = 5 rows
        // and 7 columns, from row int((6 − 5) / 2) = 0; it is resized to 3x4.
        var y = new RandomCrop(3, 4, seed: 1).Call(x, training: false);
        var expected = Ops.Resize(Ops.Slice(x, [0, 0, 0, 0], [2, 5, 7, 1], [1, 1, 1, 1]), 3, 4);
        Assertions.Close(expected, y);
    }

    [Fact]
    public void CenterCropTakesTheCentralWindow()
    {
        var x = Distinct(1, 5, 6, 1);
        // Rows (5 − 2) / 2 = 1.., columns (6 − 3) / 2 = 1..
        Assert.Equal([7f, 8, 9, 13, 14, 15], new CenterCrop(2, 3).Call(x).ToArray());
        Assert.True(new CenterCrop(2, 3).TrainingMatchesInference);
    }

    [Fact]
    public void ChannelsFirstLayersCropAndResizeTheLastTwoAxes()
    {
        var x = Distinct(2, 5, 6, 3);
        var xFirst = Ops.Permute(x, 0, 3, 1, 2);
        foreach (var (last, first) in new (Graft.Layers.Layer, Graft.Layers.Layer)[]
                 {
                     (new CenterCrop(2, 3), new CenterCrop(2, 3, dataFormat: "channels_first")),
                     (new Resizing(7, 4, "bicubic"), new Resizing(7, 4, "bicubic", dataFormat: "channels_first")),
                     (new Resizing(3, 3, cropToAspectRatio: true), new Resizing(3, 3, cropToAspectRatio: true, dataFormat: "channels_first")),
                 })
        {
            var y = first.Call(xFirst);
            Assert.Equal(first.ComputeOutputShape([null, 3, 5, 6]).Skip(1).Select(d => d!.Value), y.Shape.Dims[1..]);
            Assertions.Close(last.Call(x), Ops.Permute(y, 0, 2, 3, 1));
        }
    }

    [Fact]
    public void OutputShapesFollowKeras()
    {
        Assert.Equal("(None, 8, 9, 3)", Graft.Layers.Layer.FormatShape(new Resizing(8, 9).ComputeOutputShape([null, 4, 4, 3])));
        Assert.Equal("(None, 3, 8, 9)", Graft.Layers.Layer.FormatShape(new Resizing(8, 9, dataFormat: "channels_first").ComputeOutputShape([null, 3, 4, 4])));
        Assert.Equal("(8, 9, 3)", Graft.Layers.Layer.FormatShape(new CenterCrop(8, 9).ComputeOutputShape([4, 4, 3])));
        Assert.Equal("(None, 2, 2, 1)", Graft.Layers.Layer.FormatShape(new RandomCrop(2, 2, seed: 1).ComputeOutputShape([null, 4, 4, 1])));
        Assert.Equal([6, 5, 2], new Resizing(6, 5).Call(Tensor.Zeros(3, 3, 2)).Shape.ToArray());
    }

    [Fact]
    public void ResizingIsDifferentiable() =>
        GradCheck.Check(t => new Resizing(3, 5, padToAspectRatio: true, fillValue: 0.5f).Call(t[0]), [GradCheck.Uniform([2, 4, 3, 2], 6)]);
}
