using System.Runtime.CompilerServices;

namespace Graft.Tensors.Kernels;

/// <summary>
/// One Winograd minimal-filtering algorithm F(m×m, 3×3) (Lavin and Gray, "Fast Algorithms for
/// Convolutional Neural Networks", 2016): an m×m block of outputs from an α×α input tile (α = m + 2)
/// with α² multiplications per channel pair instead of 9m². Each transform is a 1-D map applied to
/// the rows of a tile and then to its columns (Y = Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A); here only the 1-D maps,
/// on lines of lanes (one channel per lane) read at stride <c>ds</c> and written at stride <c>rs</c>.
/// </summary>
internal unsafe interface IWinogradTile
{
    /// <summary>Outputs per side of a tile (m).</summary>
    static abstract int M { get; }

    /// <summary>r = Bᵀ d: α inputs to α transformed values.</summary>
    static abstract void InputLine<TL>(TL* d, int ds, TL* r, int rs) where TL : unmanaged, ILanes<TL>;

    /// <summary>r = G g: 3 kernel taps to α transformed values.</summary>
    static abstract void KernelLine<TL>(TL* g, int gs, TL* r, int rs) where TL : unmanaged, ILanes<TL>;

    /// <summary>r = Aᵀ d: α products to m outputs.</summary>
    static abstract void OutputLine<TL>(TL* d, int ds, TL* r, int rs) where TL : unmanaged, ILanes<TL>;
}

/// <summary>F(2×2, 3×3): 4×4 tiles, 16 products for 36 multiplications (2.25×), interpolation points 0, ±1.</summary>
internal readonly unsafe struct WinogradF2 : IWinogradTile
{
    public static int M => 2;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void InputLine<TL>(TL* d, int ds, TL* r, int rs) where TL : unmanaged, ILanes<TL>
    {
        TL d0 = d[0], d1 = d[ds], d2 = d[2 * ds], d3 = d[3 * ds];
        r[0] = d0 - d2;
        r[rs] = d1 + d2;
        r[2 * rs] = d2 - d1;
        r[3 * rs] = d1 - d3;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void KernelLine<TL>(TL* g, int gs, TL* r, int rs) where TL : unmanaged, ILanes<TL>
    {
        TL g0 = g[0], g1 = g[gs], g2 = g[2 * gs], s = g0 + g2;
        r[0] = g0;
        r[rs] = (s + g1) * 0.5f;
        r[2 * rs] = (s - g1) * 0.5f;
        r[3 * rs] = g2;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void OutputLine<TL>(TL* d, int ds, TL* r, int rs) where TL : unmanaged, ILanes<TL>
    {
        TL d1 = d[ds], d2 = d[2 * ds];
        r[0] = d[0] + d1 + d2;
        r[rs] = d1 - d2 - d[3 * ds];
    }
}

/// <summary>
/// F(4×4, 3×3): 6×6 tiles, 36 products for 144 multiplications (4×), interpolation points 0, ±1, ±2.
/// Its transforms hold constants up to 8 and 1/24, so it rounds worse than F(2×2, 3×3): measured
/// against float64 on ResNet's 3×3 layers, errors up to 3e-5 of 1 + |y| (F(2×2, 3×3): 2e-6, im2col:
/// 2e-6), inside the 1e-4 that Keras files are held to; through a whole ResNet18 or ResNet50 the
/// logits stay within 5e-7 of the im2col path's, relative to their largest.
/// </summary>
internal readonly unsafe struct WinogradF4 : IWinogradTile
{
    public static int M => 4;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void InputLine<TL>(TL* d, int ds, TL* r, int rs) where TL : unmanaged, ILanes<TL>
    {
        // Bᵀ rows: [4 0 −5 0 1 0], [0 −4 −4 1 1 0], [0 4 −4 −1 1 0], [0 −2 −1 2 1 0], [0 2 −1 −2 1 0], [0 4 0 −5 0 1].
        TL d0 = d[0], d1 = d[ds], d2 = d[2 * ds], d3 = d[3 * ds], d4 = d[4 * ds], d5 = d[5 * ds];
        TL t0 = d4 - d2 * 4f, t1 = d3 - d1 * 4f, t2 = d4 - d2, t3 = (d3 - d1) * 2f;
        r[0] = d0 * 4f - d2 * 5f + d4;
        r[rs] = t0 + t1;
        r[2 * rs] = t0 - t1;
        r[3 * rs] = t2 + t3;
        r[4 * rs] = t2 - t3;
        r[5 * rs] = d1 * 4f - d3 * 5f + d5;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void KernelLine<TL>(TL* g, int gs, TL* r, int rs) where TL : unmanaged, ILanes<TL>
    {
        // G rows: [1/4 0 0], [−1/6 −1/6 −1/6], [−1/6 1/6 −1/6], [1/24 1/12 1/6], [1/24 −1/12 1/6], [0 0 1].
        TL g0 = g[0], g1 = g[gs], g2 = g[2 * gs], s = g0 + g2;
        TL p = g0 * (1f / 24) + g2 * (1f / 6), q = g1 * (1f / 12);
        r[0] = g0 * 0.25f;
        r[rs] = (s + g1) * (-1f / 6);
        r[2 * rs] = (s - g1) * (-1f / 6);
        r[3 * rs] = p + q;
        r[4 * rs] = p - q;
        r[5 * rs] = g2;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void OutputLine<TL>(TL* d, int ds, TL* r, int rs) where TL : unmanaged, ILanes<TL>
    {
        // Aᵀ rows: [1 1 1 1 1 0], [0 1 −1 2 −2 0], [0 1 1 4 4 0], [0 1 −1 8 −8 1].
        TL d1 = d[ds], d2 = d[2 * ds], d3 = d[3 * ds], d4 = d[4 * ds];
        TL a = d1 + d2, b = d1 - d2, c = d3 + d4, e = d3 - d4;
        r[0] = d[0] + a + c;
        r[rs] = b + e * 2f;
        r[2 * rs] = a + c * 4f;
        r[3 * rs] = b + e * 8f + d[5 * ds];
    }
}
