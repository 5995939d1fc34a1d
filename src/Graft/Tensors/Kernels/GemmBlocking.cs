using System.Runtime.CompilerServices;

namespace Graft.Tensors.Kernels;

/// <summary>
/// The block sizes of the Goto/BLIS GEMM for one micro-kernel: a <see cref="Kc"/>-deep panel of B
/// (<see cref="Kc"/> × NR) that stays in L1 while every micro-tile of a block of A passes it, an
/// <see cref="Mc"/> × <see cref="Kc"/> block of A that stays in L2 while every panel of B passes
/// it, and a <see cref="Kc"/> × <see cref="Nc"/> block of packed B that stays in this core's share
/// of L3.
/// </summary>
/// <remarks>
/// Derived from the cache sizes as BLIS's analytical model derives them (Low et al., "Analytical
/// modeling is enough for high-performance BLIS", 2016), so that an Intel core (48 KiB 12-way L1d,
/// 2 MiB L2) and an AMD Zen 4 core (32 KiB 8-way L1d, 1 MiB L2) each get blocks that fit their own
/// caches instead of constants tuned on one of them. Only <see cref="Kc"/> changes the arithmetic
/// (each element of C is one FMA chain per K panel); <see cref="Mc"/> and <see cref="Nc"/> only
/// choose which elements are computed together.
/// </remarks>
/// <param name="kc">Deepest K panel: rows of a packed panel of B.</param>
/// <param name="mc">Rows of A per block, a whole number of micro-tiles.</param>
/// <param name="nc">Columns of B per packed block, a whole number of micro-tiles.</param>
internal readonly struct GemmBlocking(int kc, int mc, int nc) : IEquatable<GemmBlocking>
{
    /// <summary>Deepest K panel (KC): rows of a packed panel of B.</summary>
    public int Kc { get; init; } = kc;

    /// <summary>Rows of A per block (MC), a whole number of micro-tiles.</summary>
    public int Mc { get; init; } = mc;

    /// <summary>Columns of B per packed block (NC), a whole number of micro-tiles.</summary>
    public int Nc { get; init; } = nc;

    /// <inheritdoc/>
    public bool Equals(GemmBlocking other) => Kc == other.Kc && Mc == other.Mc && Nc == other.Nc;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is GemmBlocking other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Kc, Mc, Nc);

    /// <inheritdoc/>
    public override string ToString() => string.Format(System.Globalization.CultureInfo.InvariantCulture, "KC {0}, MC {1}, NC {2}", Kc, Mc, Nc);

    // Bounds against implausible cache reports: a panel shallower than 64 would spend more on
    // loading and storing its C tile than on the multiply-adds, one deeper than 384 gains nothing
    // measurable; a B block wider than 16384 columns only makes its packing buffer large.
    private const int MinDepth = 64, MaxDepth = 384, MaxColumns = 1 << 14;

    /// <summary>
    /// The blocks for an <paramref name="mr"/> × <paramref name="nr"/> micro-kernel on a core with
    /// these caches (bytes; L3 is this core's share of it).
    /// </summary>
    /// <remarks>
    /// L1: of its ways, one is left to the C tile and the lines in flight; the rest is shared
    /// between the B panel, which stays, and the micro-panel of A streaming past it, in
    /// proportion to their widths (NR and MR columns of the same depth), so neither evicts the
    /// other. L2: half holds the block of A, the other half the B panels and C tiles streaming
    /// through. L3: half of this core's share holds the block of B.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static GemmBlocking For(int mr, int nr, int l1, int l1Ways, int l2, int l3PerCore)
    {
        long panelBytes = (long)l1 * (l1Ways - 1) / l1Ways * nr / (mr + nr);
        int kc = Math.Clamp((int)(panelBytes / (nr * sizeof(float))) & ~7, MinDepth, MaxDepth);
        int mc = Math.Max(mr, (int)((long)l2 / 2 / (kc * sizeof(float)) / mr * mr));
        int nc = Math.Clamp((int)((long)l3PerCore / 2 / (kc * sizeof(float)) / nr * nr), 8 * nr, MaxColumns / nr * nr);
        return new GemmBlocking(kc, mc, nc);
    }

    /// <summary>
    /// Rows of an A read in place (not packed) that one block may take, row stride
    /// <paramref name="rowBytes"/> apart: rows whose addresses differ by a multiple of the L2's way
    /// size (its size over its ways) fall in the same sets, so a power-of-two stride (a 2048-wide A:
    /// 8 KiB) would crowd a block of <see cref="Mc"/> rows into a few sets and evict it while it is
    /// used. The rows are capped so that those sharing sets fill at most half of the ways.
    /// </summary>
    /// <param name="mr">Rows of a micro-tile: the result is a whole number of them.</param>
    /// <param name="rowBytes">Bytes from one row of A to the next.</param>
    /// <param name="l2">Bytes of L2.</param>
    /// <param name="l2Ways">Ways of associativity of L2.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int InPlaceRows(int mr, long rowBytes, int l2, int l2Ways)
    {
        long waySize = l2 / l2Ways;
        long groups = waySize / Gcd(Math.Abs(rowBytes) % waySize, waySize);
        long rows = groups * Math.Max(1, l2Ways / 2) / mr * mr;
        return (int)Math.Clamp(rows, mr, Mc);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long Gcd(long a, long b)
    {
        while (a != 0) (a, b) = (b % a, a);
        return b;
    }

    /// <summary>The blocks for an <paramref name="mr"/> × <paramref name="nr"/> micro-kernel on this machine's caches.</summary>
    public static GemmBlocking ForThisMachine(int mr, int nr) =>
        For(mr, nr, CacheSizes.L1Data, CacheSizes.L1DataWays, CacheSizes.L2, CacheSizes.L3PerCore);
}
