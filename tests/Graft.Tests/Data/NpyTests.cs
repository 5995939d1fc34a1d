using System.Text;
using Graft.Data;
using Graft.Saving;
using Graft.Tensors;
using Graft.Tests.Testing;

namespace Graft.Tests.Data;

public class NpyTests
{
    [Fact]
    public void ReadsNumpyWrittenFloat64AndFloat32()
    {
        var x = Npy.Load(Fixtures.Keras("k2.1.3_dl4j_cnn_batch_norm.input.npy"));
        Assert.Equal(new Shape(5, 10, 10, 3), x.Shape);
        var y = Npy.Load(Fixtures.Keras("k2.1.3_dl4j_cnn_batch_norm.expected.npy"));
        Assert.Equal(new Shape(5, 1), y.Shape);
    }

    [Fact]
    public void RoundTripAndHeaderAlignment()
    {
        string path = Path.Combine(Path.GetTempPath(), $"graft-{Guid.NewGuid():N}.npy");
        try
        {
            var t = Tensor.RandomNormal([3, 4, 2]);
            Npy.Save(path, t);
            var bytes = File.ReadAllBytes(path);
            int headerLen = BitConverter.ToUInt16(bytes, 8);
            Assert.Equal(0, (10 + headerLen) % 64);   // NumPy aligns the data to 64 bytes
            Assert.Equal(t.ToArray(), Npy.Load(path).ToArray());
        }
        finally { File.Delete(path); }
    }

    private static byte[] Build(string header, byte[] data)
    {
        var h = Encoding.ASCII.GetBytes(header);
        return [0x93, .. "NUMPY"u8, 1, 0, (byte)h.Length, 0, .. h, .. data];
    }

    [Fact]
    public void FortranOrderAndIntegers()
    {
        // Column-major [[0, 1, 2], [3, 4, 5]] is stored 0 3 1 4 2 5.
        var data = new float[] { 0, 3, 1, 4, 2, 5 }.SelectMany(BitConverter.GetBytes).ToArray();
        var t = Npy.Parse(Build("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }\n", data));
        Assert.Equal([0f, 1, 2, 3, 4, 5], t.ToArray());
        var ints = new long[] { 7, -2 }.SelectMany(BitConverter.GetBytes).ToArray();
        Assert.Equal([7f, -2f], Npy.Parse(Build("{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }\n", ints)).ToArray());
    }

    [Fact]
    public void BadFilesAreExplained()
    {
        Assert.Contains("expected the .npy magic", Assert.Throws<ModelFormatException>(() => Npy.Parse("hello world"u8)).Message);
        Assert.Contains("expected 24 data bytes for shape (2, 3)", Assert.Throws<ModelFormatException>(() => Npy.Parse(Build("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }\n", new byte[8]))).Message);
        Assert.Contains("expected a little-endian numeric dtype, got '>f4'", Assert.Throws<ModelFormatException>(() => Npy.Parse(Build("{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }\n", new byte[4]))).Message);
    }
}
