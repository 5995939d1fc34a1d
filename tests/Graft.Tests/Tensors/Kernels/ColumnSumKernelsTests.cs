using Graft.Tensors;
using Graft.Tensors.Kernels;

namespace Graft.Tests.Tensors.Kernels;

/// <summary>
/// Column sums in the 256-bit and the 128-bit loop, on any CPU: both add each column's rows in
/// order onto the accumulator, so both equal that sum in plain floats bit for bit.
/// </summary>
public class ColumnSumKernelsTests
{
    [Theory]
    [InlineData(true, 7, 45)]    // 32 + 8 + 5 columns
    [InlineData(false, 7, 45)]   // 16 + 16 + 4 + 4 + 4 + 1 columns
    [InlineData(false, 1, 3)]
    [InlineData(true, 13, 64)]
    [InlineData(false, 13, 64)]
    public unsafe void BothWidthsAddRowsInOrder(bool wide, int rows, int cols)
    {
        var x = Tensor.RandomUniform([rows, cols], -100, 100, new Generator(1)).ToArray();
        var acc = Tensor.RandomUniform([cols], -1, 1, new Generator(2)).ToArray();
        var expected = (float[])acc.Clone();
        for (int j = 0; j < cols; j++)
            for (int r = 0; r < rows; r++) expected[j] += x[r * cols + j];
        fixed (float* px = x, pa = acc)
            ColumnSumKernels.AddRows(px, rows, cols, pa, wide);
        Assert.Equal(expected, acc);
    }
}
