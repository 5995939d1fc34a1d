namespace Graft.Tensors.Kernels;

/// <summary>
/// One run of consecutive steps of a <see cref="Gemm.SegmentTile"/> product: A's column at step p of
/// the run starts at a + <see cref="A"/> + p·csA, B's row at b + (<see cref="B"/> + p)·ldb.
/// </summary>
/// <param name="a">Offset of the run's first A column, in floats.</param>
/// <param name="b">Row of B the run starts at.</param>
/// <param name="length">Steps in the run.</param>
internal readonly struct GemmSegment(long a, int b, int length)
{
    /// <summary>Offset of the run's first A column, in floats.</summary>
    public long A { get; } = a;

    /// <summary>Row of B the run starts at.</summary>
    public int B { get; } = b;

    /// <summary>Steps in the run.</summary>
    public int Length { get; } = length;
}
