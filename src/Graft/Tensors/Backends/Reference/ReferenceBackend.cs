namespace Graft.Tensors.Backends;

/// <summary>
/// The float64 reference backend: every primitive of <see cref="IBackend"/> as the plainest loops
/// over double-precision values, with no fused capability, no threads and no speed goals. It is the
/// oracle the CPU backend is tested against (forward and backward of every op, at a tolerance
/// float32 rounding explains), and the proof that a backend with only the primitives runs
/// everything above it: each fused path falls back to these.
/// </summary>
/// <remarks>
/// Internal like <see cref="CpuBackend"/>: users reach it as <see cref="Device.Reference"/> (to check a
/// result of their own against it), never as a type. Values enter and leave as float32; in between
/// they stay float64, so its results carry only float64 rounding. Formulas are written from the
/// math (Keras's definitions), not copied from the CPU kernels, so an error in one shows up as a
/// disagreement with the other.
/// </remarks>
internal sealed partial class ReferenceBackend : IBackend
{
    internal static double[] D(Tensor t) => ((ReferenceStorage)t.Storage).Data;

    public TensorStorage Allocate(int length, bool zero) => new ReferenceStorage(length);

    public void Upload(ReadOnlySpan<float> src, Tensor dst)
    {
        var d = D(dst);
        for (int i = 0; i < d.Length; i++) d[i] = src[i];
    }

    public void Download(Tensor src, int start, Span<float> dst)
    {
        var d = D(src);
        for (int i = 0; i < dst.Length; i++) dst[i] = (float)d[start + i];
    }

    public void Copy(Tensor src, Tensor dst) => D(src).AsSpan().CopyTo(D(dst));

    public void Fill(Tensor dst, float value) => D(dst).AsSpan().Fill(value);

    public void Axpy(float alpha, Tensor src, Tensor dst)
    {
        double[] s = D(src), d = D(dst);
        for (int i = 0; i < d.Length; i++) d[i] += alpha * s[i];
    }

    /// <summary>The coordinates of flat index <paramref name="i"/> in <paramref name="dims"/> (row-major).</summary>
    private static void Unravel(int i, int[] dims, int[] coords)
    {
        for (int ax = dims.Length - 1; ax >= 0; ax--)
        {
            coords[ax] = dims[ax] == 0 ? 0 : i % dims[ax];
            i = dims[ax] == 0 ? 0 : i / dims[ax];
        }
    }

    /// <summary>The flat index in <paramref name="dims"/> of output coordinates, broadcasting (size-1 and missing leading axes read index 0).</summary>
    private static int BroadcastIndex(int[] dims, int[] outCoords)
    {
        int off = outCoords.Length - dims.Length, index = 0;
        for (int ax = 0; ax < dims.Length; ax++)
            index = index * dims[ax] + (dims[ax] == 1 ? 0 : outCoords[ax + off]);
        return index;
    }

    /// <summary>The flat index of <paramref name="coords"/> in <paramref name="dims"/>.</summary>
    private static int Index(int[] dims, int[] coords)
    {
        int index = 0;
        for (int ax = 0; ax < dims.Length; ax++) index = index * dims[ax] + coords[ax];
        return index;
    }

    /// <summary>(outer, n, inner) for a view of <paramref name="dims"/> around <paramref name="axis"/>.</summary>
    private static (int Outer, int N, int Inner) Around(int[] dims, int axis)
    {
        int outer = 1, inner = 1;
        for (int i = 0; i < axis; i++) outer *= dims[i];
        for (int i = axis + 1; i < dims.Length; i++) inner *= dims[i];
        return (outer, dims[axis], inner);
    }
}
