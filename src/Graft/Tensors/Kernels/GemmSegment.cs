namespace Graft.Tensors.Kernels;

/// <summary>
/// One run of consecutive steps of a <see cref="Gemm.SegmentTile"/> product: A's column at step p of
/// the run starts at a + <see cref="A"/> + p·csA, B's row at b + (<see cref="B"/> + p)·ldb.
/// </summary>
/// <param name="A">Offset of the run's first A column, in floats.</param>
/// <param name="B">Row of B the run starts at.</param>
/// <param name="Length">Steps in the run.</param>
internal readonly record struct GemmSegment(long A, int B, int Length);
