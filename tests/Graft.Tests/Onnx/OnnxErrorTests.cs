using Google.Protobuf;
using Graft.Saving;
using Onnx;
using static Graft.Tests.Onnx.OnnxGraphs;

namespace Graft.Tests.Onnx;

/// <summary>What ONNX import says about files it cannot read or operators it does not import.</summary>
public class OnnxErrorTests
{
    private static T Throws<T>(ModelProto model) where T : Exception
    {
        var path = Save(model);
        try
        {
            var e = Assert.Throws<T>(() => Graft.Models.Model.Load(path));
            Assert.Contains(path, e.Message);
            return e;
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void UnsupportedOperatorNamesOperatorNodeAndOpset()
    {
        var e = Throws<NotSupportedException>(Model(13, [1, 4], [Node("Relu", ["x"], ["r"]), Node("NonZero", ["r"], ["y"])]));
        Assert.Contains("NonZero", e.Message);
        Assert.Contains("'y_node'", e.Message);
        Assert.Contains("opset 13", e.Message);
    }

    [Fact]
    public void UnsupportedAttributeSaysWhich()
    {
        // Opset 19's wrap mode: constant, reflect and edge import.
        var e = Throws<NotSupportedException>(Model(19, [1, 3, 4, 4], [Node("Pad", ["x", "pads"], ["y"], Attr("mode", "wrap"))], Longs("pads", 0, 0, 1, 1, 0, 0, 1, 1)));
        Assert.Contains("Pad", e.Message);
        Assert.Contains("'wrap'", e.Message);
    }

    [Fact]
    public void ReflectPaddingAsWideAsTheAxisIsNotSupported()
    {
        // ONNX Runtime rejects it too: a reflection of 4 cells has only 3 to mirror.
        var e = Throws<NotSupportedException>(Model(13, [1, 3, 4, 4], [Node("Pad", ["x", "pads"], ["y"], Attr("mode", "reflect"))], Longs("pads", 0, 0, 4, 0, 0, 0, 0, 0)));
        Assert.Contains("reflect pads smaller than the axis", e.Message);
    }

    [Fact]
    public void ThreeDimensionalConvolutionIsNotSupported()
    {
        var e = Throws<NotSupportedException>(Model(13, [1, 2, 4, 4, 4], [Node("Conv", ["x", "w"], ["y"])], Weight("w", [3, 2, 2, 2, 2], 1)));
        Assert.Contains("no 3-D convolution", e.Message);
    }

    [Fact]
    public void OperatorOfAnotherDomainIsNotSupported()
    {
        var model = Model(13, [1, 4], [Node("Relu", ["x"], ["y"])]);
        model.Graph.Node[0].Domain = "com.microsoft";
        Assert.Contains("com.microsoft", Throws<NotSupportedException>(model).Message);
    }

    [Fact]
    public void OpsetOutsideTheImportedRangeIsNotSupported()
    {
        var e = Throws<NotSupportedException>(Model(6, [1, 4], [Node("Relu", ["x"], ["y"])]));
        Assert.Contains("expected opset 7 to 21, got opset 6", e.Message);
    }

    [Fact]
    public void BytesThatAreNotAModelAreAModelFormatException()
    {
        string path = Path.Combine(Path.GetTempPath(), $"graft-not-onnx-{Guid.NewGuid():N}.onnx");
        File.WriteAllText(path, "this is not an onnx model");
        try
        {
            var e = Assert.Throws<ModelFormatException>(() => Graft.Models.Model.Load(path));
            Assert.Equal(path, e.FilePath);
            Assert.Contains("expected an ONNX model", e.Message);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void TruncatedResNet18IsAModelFormatException()
    {
        string path = Path.Combine(Path.GetTempPath(), $"graft-truncated-{Guid.NewGuid():N}.onnx");
        using (var source = File.OpenRead(ResNet18Path))
        {
            var head = new byte[1 << 20];
            source.ReadExactly(head);
            File.WriteAllBytes(path, head);
        }
        try { Assert.Equal(path, Assert.Throws<ModelFormatException>(() => Graft.Models.Model.Load(path)).FilePath); }
        finally { File.Delete(path); }
    }

    [Fact]
    public void InitializerWhoseDataDoesNotMatchItsShapeIsAModelFormatException()
    {
        var w = new TensorProto { Name = "w", DataType = 1, RawData = ByteString.CopyFrom(new byte[10]) };
        w.Dims.AddRange([4L, 2L]);
        var e = Throws<ModelFormatException>(Model(13, [1, 4], [Node("MatMul", ["x", "w"], ["y"])], w));
        Assert.Contains("initializer 'w'", e.Message);
        Assert.Contains("expected 8 elements (32 bytes of raw_data), got 10 bytes", e.Message);
    }

    [Fact]
    public void InputNothingProducesIsAModelFormatException()
    {
        var e = Throws<ModelFormatException>(Model(13, [1, 4], [Node("Add", ["x", "missing"], ["y"])]));
        Assert.Contains("'missing'", e.Message);
    }

    [Fact]
    public void MissingFileIsFileNotFound() =>
        Assert.Throws<FileNotFoundException>(() => Graft.Models.Model.Load(Path.Combine(Path.GetTempPath(), "graft-no-such-model.onnx")));
}
