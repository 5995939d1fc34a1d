using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Graft.Tensors.Kernels;

/// <summary>
/// Direct convolution for small windows over very few channels (a 3×3 grayscale or RGB first
/// layer): with C ≤ 4 and at most 32 taps × channels the im2col matrix has too few columns for a GEMM
/// to run well, so each output pixel accumulates its Cout-vector straight from the taps instead
/// (vectorized over Cout). A large window over few channels (ResNet's 7×7 RGB stem, 147 columns) goes
/// to the GEMM: measured on the AVX-512 machine, this loop reached 3 GFLOPS there, several times
/// slower than the blocked im2col + GEMM. Training takes this path too, and its kernel gradient is
/// <see cref="BackwardKernel(float*, float*, float*, Backends.Conv2DGeometry, int)"/>: with 9 columns
/// (3×3 grayscale) the GEMM's blocked kernel gradient had one slice of columns, so one thread.
/// </summary>
internal static unsafe class DirectConv
{
    public const int MaxChannels = 4;
    private const int MaxColumns = 32;

    /// <summary>
    /// Vector bits of the register blocks: 512 where the JIT accelerates them (AVX-512: half the
    /// multiply-adds of 256-bit ones, which held a 3×3 grayscale layer to half the FMA units' rate),
    /// else 256, else 128 (ARM64, x86 without AVX).
    /// </summary>
    private static readonly int Bits = Vector512.IsHardwareAccelerated ? 512 : Vector256.IsHardwareAccelerated ? 256 : 128;

    public static bool Applies(int cin, int cout, int groups, int taps) =>
        groups == 1 && cin <= MaxChannels && taps * cin <= MaxColumns && cout % 8 == 0 && cout <= 512;

    /// <summary>y[n, oh, ow, :] = epilogue(Σ_taps x[n, ih, iw, c] · k[kh, kw, c, :]).</summary>
    public static void Forward(float* x, float* k, float* y, Backends.Conv2DGeometry g, int cout, Epilogue ep) =>
        Forward(x, k, y, g, cout, ep, Bits);

    /// <summary>As above with 256-bit (<paramref name="wide"/>) or 128-bit vectors: tests run both on any CPU.</summary>
    internal static void Forward(float* x, float* k, float* y, Backends.Conv2DGeometry g, int cout, Epilogue ep, bool wide) =>
        Forward(x, k, y, g, cout, ep, wide ? 256 : 128);

    /// <summary>As above with register blocks of 512-, 256- or 128-bit vectors (<paramref name="bits"/>): tests run each on any CPU.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Forward(float* x, float* k, float* y, Backends.Conv2DGeometry g, int cout, Epilogue ep, int bits)
    {
        bool wide = bits >= 256;
        // Images are shared between threads; each output is one thread's sum: any split gives the same bits.
        int parts = (long)g.N * g.OH * g.OW * cout > 1 << 15 ? WorkerPool.Threads : 1;
        WorkerPool.Run(parts, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (part) =>
        {
            for (int n = g.N * part / parts; n < g.N * (part + 1) / parts; n++)
                for (int oh = 0; oh < g.OH; oh++)
                {
                    // Blocks of pixels whose windows lie wholly inside the image, the rest one at a time.
                    bool rowInside = oh * g.StrideH - g.PadTop >= 0 && oh * g.StrideH - g.PadTop + (g.KH - 1) * g.DilationH < g.H;
                    int ow = 0;
                    while (ow < g.OW)
                    {
                        float* dst = y + (((long)n * g.OH + oh) * g.OW + ow) * cout;
                        if (rowInside && ow + Block <= g.OW && ow * g.StrideW - g.PadLeft >= 0
                            && (ow + Block - 1) * g.StrideW - g.PadLeft + (g.KW - 1) * g.DilationW < g.W)
                        {
                            if (bits == 512) Block512(x, k, dst, g, n, oh, ow, cout);
                            else if (wide) Block256(x, k, dst, g, n, oh, ow, cout, 0);
                            else Block128(x, k, dst, g, n, oh, ow, cout);
                            for (int p = 0; p < Block; p++) ep.Apply(dst + p * cout, 0, cout);
                            ow += Block;
                            continue;
                        }
                        if (wide) Pixel256(x, k, dst, g, n, oh, ow, cout);
                        else Pixel128(x, k, dst, g, n, oh, ow, cout);
                        ep.Apply(dst, 0, cout);
                        ow++;
                    }
                }
        });
    }

    /// <summary>Output rows (N·OH·OW) of the kernel gradient one part sums in order: fixed by the shape, not the thread count.</summary>
    private const int PartRows = 2048;

    /// <summary>Output rows whose patches are gathered at once: at most 32 columns of 4 bytes, 32 KiB on the stack.</summary>
    private const int GatherRows = 256;

    /// <summary>
    /// dW[kh, kw, c, :] = Σ_rows patch[row, (kh·KW + kw)·C + c] · dY[row, :], for the few columns
    /// (at most 32) a direct convolution has: the GEMM would see a product only a few rows tall.
    /// Parts of <see cref="PartRows"/> output rows each sum their rows in order into their own
    /// partial dW, gathering the patches <see cref="GatherRows"/> at a time; the partials are then
    /// added in part order, so the result does not depend on the thread count.
    /// </summary>
    public static void BackwardKernel(float* x, float* gy, float* gk, Backends.Conv2DGeometry g, int cout) =>
        BackwardKernel(x, gy, gk, g, cout, Bits);

    /// <summary>As above with 256-bit (<paramref name="wide"/>) or 128-bit vectors: tests run both on any CPU.</summary>
    internal static void BackwardKernel(float* x, float* gy, float* gk, Backends.Conv2DGeometry g, int cout, bool wide) =>
        BackwardKernel(x, gy, gk, g, cout, wide ? 256 : 128);

    /// <summary>As above with 512-, 256- or 128-bit vectors (<paramref name="bits"/>): tests run each on any CPU.</summary>
    internal static void BackwardKernel(float* x, float* gy, float* gk, Backends.Conv2DGeometry g, int cout, int bits) =>
        BackwardKernel(x, gy, null, gk, null, g, cout, bits);

    /// <summary>
    /// The kernel gradient (and the bias gradient, into <paramref name="gb"/> when given) of a
    /// direct convolution followed by relu, from the gradient <paramref name="g0"/> of relu's output
    /// y: each row of dY is relu'(y) ⊙ g0, masked as it is read, never written. The bias gradient,
    /// the column sums of that dY, is one more column of ones in the patches, summed with the rest.
    /// For a first layer this replaces a pass that wrote the whole dY (the size of the layer's
    /// output) and read it back.
    /// </summary>
    public static void BackwardKernelThroughRelu(float* x, float* y, float* g0, float* gk, float* gb, Backends.Conv2DGeometry g, int cout) =>
        BackwardKernel(x, g0, y, gk, gb, g, cout, Bits);

    /// <summary>
    /// dW (and the column sums of dY into <paramref name="gb"/> when given) from dY = <paramref name="gy"/>,
    /// or relu'(<paramref name="y"/>) ⊙ <paramref name="gy"/> when y is given, with vectors of
    /// <paramref name="bits"/> bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void BackwardKernel(float* x, float* gy, float* y, float* gk, float* gb, Backends.Conv2DGeometry g, int cout, int bits)
    {
        // With a bias gradient, one more column: ones, whose products sum dY's rows.
        int kg = g.KH * g.KW * g.C, columns = gb != null ? kg + 1 : kg, kgPad = (columns + 3) & ~3;
        long rows = (long)g.N * g.OH * g.OW;
        int parts = (int)Math.Max(1, (rows + PartRows - 1) / PartRows), size = columns * cout;
        var partial = BufferPool.Current.Rent(parts * size);
        fixed (float* pp = partial)
        {
            float* partials = pp;
            WorkerPool.Run(parts, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (part) =>
            {
                float* patches = stackalloc float[GatherRows * kgPad];
                float* acc = partials + (long)part * size;
                new Span<float>(acc, size).Clear();
                long r0 = (long)part * PartRows, r1 = Math.Min(rows, r0 + PartRows);
                for (long b = r0; b < r1; b += GatherRows)
                {
                    int count = (int)Math.Min(GatherRows, r1 - b);
                    GatherPatches(x, g, b, count, kgPad, patches);
                    if (columns > kg) for (int r = 0; r < count; r++) patches[(long)r * kgPad + kg] = 1f;
                    float* mask = y == null ? null : y + b * cout;
                    if (bits == 512) AddProducts512(patches, count, kgPad, columns, gy + b * cout, mask, cout, acc);
                    else if (bits == 256) AddProducts256(patches, count, kgPad, columns, gy + b * cout, mask, cout, acc, 0);
                    else AddProducts128(patches, count, kgPad, columns, gy + b * cout, mask, cout, acc);
                }
            });
            // The parts in order into the first: the same sums for any thread count.
            for (int p = 1; p < parts; p++)
                System.Numerics.Tensors.TensorPrimitives.Add(new ReadOnlySpan<float>(pp, size), new ReadOnlySpan<float>(pp + (long)p * size, size), new Span<float>(pp, size));
            Buffer.MemoryCopy(pp, gk, kg * cout * 4L, kg * cout * 4L);
            if (gb != null) Buffer.MemoryCopy(pp + (long)kg * cout, gb, cout * 4L, cout * 4L);
        }
        BufferPool.Current.Return(partial);
    }

    /// <summary>The patches of output rows r0 … r0 + count − 1, each kgPad wide: taps in (kh, kw, c) order, zero outside the image and past the last tap.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void GatherPatches(float* x, in Backends.Conv2DGeometry g, long r0, int count, int kgPad, float* dst)
    {
        int ohw = g.OH * g.OW, c = g.C, kg = g.KH * g.KW * c;
        int n = (int)(r0 / ohw), rem = (int)(r0 % ohw), oh = rem / g.OW, ow = rem % g.OW;
        // Offsets of the taps from a window's first cell, for windows wholly inside the image.
        int* offsets = stackalloc int[kg];
        for (int kh = 0, j = 0; kh < g.KH; kh++)
            for (int kw = 0; kw < g.KW; kw++)
                for (int q = 0; q < c; q++) offsets[j++] = (kh * g.DilationH * g.W + kw * g.DilationW) * c + q;
        for (int r = 0; r < count; r++, dst += kgPad)
        {
            float* image = x + (long)n * g.H * g.W * c, d = dst;
            int ih0 = oh * g.StrideH - g.PadTop, iw0 = ow * g.StrideW - g.PadLeft;
            if (ih0 >= 0 && iw0 >= 0 && ih0 + (g.KH - 1) * g.DilationH < g.H && iw0 + (g.KW - 1) * g.DilationW < g.W)
            {
                float* src = image + ((long)ih0 * g.W + iw0) * c;
                for (int j = 0; j < kg; j++) d[j] = src[offsets[j]];
                for (int j = kg; j < kgPad; j++) dst[j] = 0f;
                if (++ow == g.OW) { ow = 0; if (++oh == g.OH) { oh = 0; n++; } }
                continue;
            }
            for (int kh = 0; kh < g.KH; kh++)
            {
                int ih = oh * g.StrideH - g.PadTop + kh * g.DilationH;
                for (int kw = 0; kw < g.KW; kw++, d += c)
                {
                    int iw = ow * g.StrideW - g.PadLeft + kw * g.DilationW;
                    if ((uint)ih < (uint)g.H && (uint)iw < (uint)g.W)
                    {
                        float* src = image + ((long)ih * g.W + iw) * c;
                        for (int q = 0; q < c; q++) d[q] = src[q];
                    }
                    else for (int q = 0; q < c; q++) d[q] = 0f;
                }
            }
            for (int j = kg; j < kgPad; j++) dst[j] = 0f;
            if (++ow == g.OW) { ow = 0; if (++oh == g.OH) { oh = 0; n++; } }
        }
    }

    /// <summary>
    /// acc[j, :] += Σ_r patches[r, j] · gy[r, :] for the kg real columns: four columns by 16 output
    /// channels (8 for a last block) in eight accumulators, each dY vector loaded once for four columns.
    /// </summary>
    /// <remarks>Output channels from <paramref name="from"/> on: the rest <see cref="AddProducts512"/> leaves.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AddProducts256(float* patches, int count, int kgPad, int kg, float* gy, float* y, int cout, float* acc, int from)
    {
        for (int j = 0; j < kg; j += 4)
            for (int c0 = from; c0 < cout; c0 += 16)
            {
                bool two = cout - c0 >= 16;
                Vector256<float> a00 = default, a01 = default, a10 = default, a11 = default,
                    a20 = default, a21 = default, a30 = default, a31 = default;
                float* p = patches + j, d = gy + c0, m = y + c0;
                for (int r = 0; r < count; r++, p += kgPad, d += cout, m += cout)
                {
                    var g0 = Vector256.Load(d);
                    if (y != null) g0 &= Vector256.GreaterThan(Vector256.Load(m), Vector256<float>.Zero);
                    var v0 = Vector256.Create(p[0]);
                    var v1 = Vector256.Create(p[1]);
                    var v2 = Vector256.Create(p[2]);
                    var v3 = Vector256.Create(p[3]);
                    a00 = Vector256.FusedMultiplyAdd(v0, g0, a00);
                    a10 = Vector256.FusedMultiplyAdd(v1, g0, a10);
                    a20 = Vector256.FusedMultiplyAdd(v2, g0, a20);
                    a30 = Vector256.FusedMultiplyAdd(v3, g0, a30);
                    if (two)
                    {
                        var g1 = Vector256.Load(d + 8);
                        if (y != null) g1 &= Vector256.GreaterThan(Vector256.Load(m + 8), Vector256<float>.Zero);
                        a01 = Vector256.FusedMultiplyAdd(v0, g1, a01);
                        a11 = Vector256.FusedMultiplyAdd(v1, g1, a11);
                        a21 = Vector256.FusedMultiplyAdd(v2, g1, a21);
                        a31 = Vector256.FusedMultiplyAdd(v3, g1, a31);
                    }
                }
                int cols = Math.Min(4, kg - j);
                float* o = acc + (long)j * cout + c0;
                (Vector256.Load(o) + a00).Store(o);
                if (cols > 1) (Vector256.Load(o + cout) + a10).Store(o + cout);
                if (cols > 2) (Vector256.Load(o + 2 * cout) + a20).Store(o + 2 * cout);
                if (cols > 3) (Vector256.Load(o + 3 * cout) + a30).Store(o + 3 * cout);
                if (two)
                {
                    (Vector256.Load(o + 8) + a01).Store(o + 8);
                    if (cols > 1) (Vector256.Load(o + cout + 8) + a11).Store(o + cout + 8);
                    if (cols > 2) (Vector256.Load(o + 2 * cout + 8) + a21).Store(o + 2 * cout + 8);
                    if (cols > 3) (Vector256.Load(o + 3 * cout + 8) + a31).Store(o + 3 * cout + 8);
                }
            }
    }

    /// <summary>
    /// <see cref="AddProducts256"/> with 512-bit vectors, four columns by 32 output channels; a last
    /// 8 to 24 channels go to <see cref="AddProducts256"/>. Each lane adds the same products in the
    /// same order as there, so the two give the same bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AddProducts512(float* patches, int count, int kgPad, int kg, float* gy, float* y, int cout, float* acc)
    {
        int whole = cout / 32 * 32;
        for (int j = 0; j < kg; j += 4)
            for (int c0 = 0; c0 < whole; c0 += 32)
            {
                Vector512<float> a00 = default, a01 = default, a10 = default, a11 = default,
                    a20 = default, a21 = default, a30 = default, a31 = default;
                float* p = patches + j, d = gy + c0, m = y + c0;
                for (int r = 0; r < count; r++, p += kgPad, d += cout, m += cout)
                {
                    var g0 = Vector512.Load(d);
                    var g1 = Vector512.Load(d + 16);
                    if (y != null)
                    {
                        g0 &= Vector512.GreaterThan(Vector512.Load(m), Vector512<float>.Zero);
                        g1 &= Vector512.GreaterThan(Vector512.Load(m + 16), Vector512<float>.Zero);
                    }
                    var v0 = Vector512.Create(p[0]);
                    var v1 = Vector512.Create(p[1]);
                    var v2 = Vector512.Create(p[2]);
                    var v3 = Vector512.Create(p[3]);
                    a00 = Vector512.FusedMultiplyAdd(v0, g0, a00);
                    a01 = Vector512.FusedMultiplyAdd(v0, g1, a01);
                    a10 = Vector512.FusedMultiplyAdd(v1, g0, a10);
                    a11 = Vector512.FusedMultiplyAdd(v1, g1, a11);
                    a20 = Vector512.FusedMultiplyAdd(v2, g0, a20);
                    a21 = Vector512.FusedMultiplyAdd(v2, g1, a21);
                    a30 = Vector512.FusedMultiplyAdd(v3, g0, a30);
                    a31 = Vector512.FusedMultiplyAdd(v3, g1, a31);
                }
                int cols = Math.Min(4, kg - j);
                float* o = acc + (long)j * cout + c0;
                (Vector512.Load(o) + a00).Store(o); (Vector512.Load(o + 16) + a01).Store(o + 16);
                if (cols > 1) { (Vector512.Load(o + cout) + a10).Store(o + cout); (Vector512.Load(o + cout + 16) + a11).Store(o + cout + 16); }
                if (cols > 2) { (Vector512.Load(o + 2 * cout) + a20).Store(o + 2 * cout); (Vector512.Load(o + 2 * cout + 16) + a21).Store(o + 2 * cout + 16); }
                if (cols > 3) { (Vector512.Load(o + 3 * cout) + a30).Store(o + 3 * cout); (Vector512.Load(o + 3 * cout + 16) + a31).Store(o + 3 * cout + 16); }
            }
        if (whole < cout) AddProducts256(patches, count, kgPad, kg, gy, y, cout, acc, whole);
    }

    /// <summary><see cref="AddProducts256"/> with 128-bit vectors, four columns by 8 output channels.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AddProducts128(float* patches, int count, int kgPad, int kg, float* gy, float* y, int cout, float* acc)
    {
        for (int j = 0; j < kg; j += 4)
            for (int c0 = 0; c0 < cout; c0 += 8)
            {
                Vector128<float> a00 = default, a01 = default, a10 = default, a11 = default,
                    a20 = default, a21 = default, a30 = default, a31 = default;
                float* p = patches + j, d = gy + c0, m = y + c0;
                for (int r = 0; r < count; r++, p += kgPad, d += cout, m += cout)
                {
                    var g0 = Vector128.Load(d);
                    var g1 = Vector128.Load(d + 4);
                    if (y != null)
                    {
                        g0 &= Vector128.GreaterThan(Vector128.Load(m), Vector128<float>.Zero);
                        g1 &= Vector128.GreaterThan(Vector128.Load(m + 4), Vector128<float>.Zero);
                    }
                    var v0 = Vector128.Create(p[0]);
                    var v1 = Vector128.Create(p[1]);
                    var v2 = Vector128.Create(p[2]);
                    var v3 = Vector128.Create(p[3]);
                    a00 = Vector128.MultiplyAddEstimate(v0, g0, a00);
                    a01 = Vector128.MultiplyAddEstimate(v0, g1, a01);
                    a10 = Vector128.MultiplyAddEstimate(v1, g0, a10);
                    a11 = Vector128.MultiplyAddEstimate(v1, g1, a11);
                    a20 = Vector128.MultiplyAddEstimate(v2, g0, a20);
                    a21 = Vector128.MultiplyAddEstimate(v2, g1, a21);
                    a30 = Vector128.MultiplyAddEstimate(v3, g0, a30);
                    a31 = Vector128.MultiplyAddEstimate(v3, g1, a31);
                }
                int cols = Math.Min(4, kg - j);
                float* o = acc + (long)j * cout + c0;
                (Vector128.Load(o) + a00).Store(o); (Vector128.Load(o + 4) + a01).Store(o + 4);
                if (cols > 1) { (Vector128.Load(o + cout) + a10).Store(o + cout); (Vector128.Load(o + cout + 4) + a11).Store(o + cout + 4); }
                if (cols > 2) { (Vector128.Load(o + 2 * cout) + a20).Store(o + 2 * cout); (Vector128.Load(o + 2 * cout + 4) + a21).Store(o + 2 * cout + 4); }
                if (cols > 3) { (Vector128.Load(o + 3 * cout) + a30).Store(o + 3 * cout); (Vector128.Load(o + 3 * cout + 4) + a31).Store(o + 3 * cout + 4); }
            }
    }

    /// <summary>Output pixels one register block computes side by side along a row.</summary>
    private const int Block = 4;

    /// <summary>
    /// <see cref="Block"/> neighbouring output pixels whose windows lie inside the image, 16 output
    /// channels at a time (8 for a last block): eight accumulators, so each kernel vector loaded
    /// feeds four multiply-adds and the four pixels' sums run in parallel instead of one chain per
    /// pixel. Each sum adds the same products in the same order as <see cref="Pixel256"/>, so the
    /// two give the same bits.
    /// </summary>
    /// <remarks>Output channels from <paramref name="from"/> on: the rest <see cref="Block512"/> leaves.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block256(float* x, float* k, float* dst, in Backends.Conv2DGeometry g, int n, int oh, int ow0, int cout, int from)
    {
        int c = g.C;
        long step = (long)g.StrideW * c;
        float* image = x + (long)n * g.H * g.W * c;
        for (int j0 = from; j0 < cout; j0 += 16)
        {
            bool two = cout - j0 >= 16;
            Vector256<float> a00 = default, a01 = default, a10 = default, a11 = default,
                a20 = default, a21 = default, a30 = default, a31 = default;
            for (int kh = 0; kh < g.KH; kh++)
            {
                int ih = oh * g.StrideH - g.PadTop + kh * g.DilationH;
                for (int kw = 0; kw < g.KW; kw++)
                {
                    float* xp = image + ((long)ih * g.W + ow0 * g.StrideW - g.PadLeft + kw * g.DilationW) * c;
                    float* kp = k + (long)(kh * g.KW + kw) * c * cout + j0;
                    for (int q = 0; q < c; q++, xp++, kp += cout)
                    {
                        var v0 = Vector256.Create(xp[0]);
                        var v1 = Vector256.Create(xp[step]);
                        var v2 = Vector256.Create(xp[2 * step]);
                        var v3 = Vector256.Create(xp[3 * step]);
                        var k0 = Vector256.Load(kp);
                        a00 = Vector256.FusedMultiplyAdd(v0, k0, a00);
                        a10 = Vector256.FusedMultiplyAdd(v1, k0, a10);
                        a20 = Vector256.FusedMultiplyAdd(v2, k0, a20);
                        a30 = Vector256.FusedMultiplyAdd(v3, k0, a30);
                        if (two)
                        {
                            var k1 = Vector256.Load(kp + 8);
                            a01 = Vector256.FusedMultiplyAdd(v0, k1, a01);
                            a11 = Vector256.FusedMultiplyAdd(v1, k1, a11);
                            a21 = Vector256.FusedMultiplyAdd(v2, k1, a21);
                            a31 = Vector256.FusedMultiplyAdd(v3, k1, a31);
                        }
                    }
                }
            }
            float* d = dst + j0;
            a00.Store(d); a10.Store(d + cout); a20.Store(d + 2 * cout); a30.Store(d + 3 * cout);
            if (two) { a01.Store(d + 8); a11.Store(d + cout + 8); a21.Store(d + 2 * cout + 8); a31.Store(d + 3 * cout + 8); }
        }
    }

    /// <summary>
    /// <see cref="Block256"/> with 512-bit vectors, 32 output channels at a time; a last 8 to 24 go to
    /// <see cref="Block256"/>. Each sum adds the same products in the same order as
    /// <see cref="Pixel256"/>, so the two give the same bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block512(float* x, float* k, float* dst, in Backends.Conv2DGeometry g, int n, int oh, int ow0, int cout)
    {
        int c = g.C, whole = cout / 32 * 32;
        long step = (long)g.StrideW * c;
        float* image = x + (long)n * g.H * g.W * c;
        for (int j0 = 0; j0 < whole; j0 += 32)
        {
            Vector512<float> a00 = default, a01 = default, a10 = default, a11 = default,
                a20 = default, a21 = default, a30 = default, a31 = default;
            for (int kh = 0; kh < g.KH; kh++)
            {
                int ih = oh * g.StrideH - g.PadTop + kh * g.DilationH;
                for (int kw = 0; kw < g.KW; kw++)
                {
                    float* xp = image + ((long)ih * g.W + ow0 * g.StrideW - g.PadLeft + kw * g.DilationW) * c;
                    float* kp = k + (long)(kh * g.KW + kw) * c * cout + j0;
                    for (int q = 0; q < c; q++, xp++, kp += cout)
                    {
                        var v0 = Vector512.Create(xp[0]);
                        var v1 = Vector512.Create(xp[step]);
                        var v2 = Vector512.Create(xp[2 * step]);
                        var v3 = Vector512.Create(xp[3 * step]);
                        var k0 = Vector512.Load(kp);
                        var k1 = Vector512.Load(kp + 16);
                        a00 = Vector512.FusedMultiplyAdd(v0, k0, a00);
                        a01 = Vector512.FusedMultiplyAdd(v0, k1, a01);
                        a10 = Vector512.FusedMultiplyAdd(v1, k0, a10);
                        a11 = Vector512.FusedMultiplyAdd(v1, k1, a11);
                        a20 = Vector512.FusedMultiplyAdd(v2, k0, a20);
                        a21 = Vector512.FusedMultiplyAdd(v2, k1, a21);
                        a30 = Vector512.FusedMultiplyAdd(v3, k0, a30);
                        a31 = Vector512.FusedMultiplyAdd(v3, k1, a31);
                    }
                }
            }
            float* d = dst + j0;
            a00.Store(d); a01.Store(d + 16);
            a10.Store(d + cout); a11.Store(d + cout + 16);
            a20.Store(d + 2 * cout); a21.Store(d + 2 * cout + 16);
            a30.Store(d + 3 * cout); a31.Store(d + 3 * cout + 16);
        }
        if (whole < cout) Block256(x, k, dst, g, n, oh, ow0, cout, whole);
    }

    /// <summary><see cref="Block256"/> with 128-bit vectors, 8 output channels at a time (Cout is a multiple of 8).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block128(float* x, float* k, float* dst, in Backends.Conv2DGeometry g, int n, int oh, int ow0, int cout)
    {
        int c = g.C;
        long step = (long)g.StrideW * c;
        float* image = x + (long)n * g.H * g.W * c;
        for (int j0 = 0; j0 < cout; j0 += 8)
        {
            Vector128<float> a00 = default, a01 = default, a10 = default, a11 = default,
                a20 = default, a21 = default, a30 = default, a31 = default;
            for (int kh = 0; kh < g.KH; kh++)
            {
                int ih = oh * g.StrideH - g.PadTop + kh * g.DilationH;
                for (int kw = 0; kw < g.KW; kw++)
                {
                    float* xp = image + ((long)ih * g.W + ow0 * g.StrideW - g.PadLeft + kw * g.DilationW) * c;
                    float* kp = k + (long)(kh * g.KW + kw) * c * cout + j0;
                    for (int q = 0; q < c; q++, xp++, kp += cout)
                    {
                        var v0 = Vector128.Create(xp[0]);
                        var v1 = Vector128.Create(xp[step]);
                        var v2 = Vector128.Create(xp[2 * step]);
                        var v3 = Vector128.Create(xp[3 * step]);
                        var k0 = Vector128.Load(kp);
                        var k1 = Vector128.Load(kp + 4);
                        a00 = Vector128.MultiplyAddEstimate(v0, k0, a00);
                        a01 = Vector128.MultiplyAddEstimate(v0, k1, a01);
                        a10 = Vector128.MultiplyAddEstimate(v1, k0, a10);
                        a11 = Vector128.MultiplyAddEstimate(v1, k1, a11);
                        a20 = Vector128.MultiplyAddEstimate(v2, k0, a20);
                        a21 = Vector128.MultiplyAddEstimate(v2, k1, a21);
                        a30 = Vector128.MultiplyAddEstimate(v3, k0, a30);
                        a31 = Vector128.MultiplyAddEstimate(v3, k1, a31);
                    }
                }
            }
            float* d = dst + j0;
            a00.Store(d); a01.Store(d + 4);
            a10.Store(d + cout); a11.Store(d + cout + 4);
            a20.Store(d + 2 * cout); a21.Store(d + 2 * cout + 4);
            a30.Store(d + 3 * cout); a31.Store(d + 3 * cout + 4);
        }
    }

    /// <summary>One output pixel, blocks of 32 output channels in four 256-bit registers across all taps.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Pixel256(float* x, float* k, float* dst, in Backends.Conv2DGeometry g, int n, int oh, int ow, int cout)
    {
        for (int j0 = 0; j0 < cout; j0 += 32)
        {
            int width = Math.Min(32, cout - j0);
            Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
            for (int kh = 0; kh < g.KH; kh++)
            {
                int ih = oh * g.StrideH - g.PadTop + kh * g.DilationH;
                if ((uint)ih >= (uint)g.H) continue;
                for (int kw = 0; kw < g.KW; kw++)
                {
                    int iw = ow * g.StrideW - g.PadLeft + kw * g.DilationW;
                    if ((uint)iw >= (uint)g.W) continue;
                    float* xp = x + (((long)n * g.H + ih) * g.W + iw) * g.C;
                    float* kp = k + (long)(kh * g.KW + kw) * g.C * cout + j0;
                    for (int c = 0; c < g.C; c++)
                    {
                        var v = Vector256.Create(xp[c]);
                        float* kr = kp + c * cout;
                        a0 = Vector256.FusedMultiplyAdd(v, Vector256.Load(kr), a0);
                        if (width > 8) a1 = Vector256.FusedMultiplyAdd(v, Vector256.Load(kr + 8), a1);
                        if (width > 16) a2 = Vector256.FusedMultiplyAdd(v, Vector256.Load(kr + 16), a2);
                        if (width > 24) a3 = Vector256.FusedMultiplyAdd(v, Vector256.Load(kr + 24), a3);
                    }
                }
            }
            a0.Store(dst + j0);
            if (width > 8) a1.Store(dst + j0 + 8);
            if (width > 16) a2.Store(dst + j0 + 16);
            if (width > 24) a3.Store(dst + j0 + 24);
        }
    }

    /// <summary>
    /// One output pixel with 128-bit vectors: blocks of 16 output channels in four registers, a fused
    /// multiply-add where the hardware has one (ARM64, x86 with FMA).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Pixel128(float* x, float* k, float* dst, in Backends.Conv2DGeometry g, int n, int oh, int ow, int cout)
    {
        for (int j0 = 0; j0 < cout; j0 += 16)
        {
            int width = Math.Min(16, cout - j0);
            Vector128<float> a0 = default, a1 = default, a2 = default, a3 = default;
            for (int kh = 0; kh < g.KH; kh++)
            {
                int ih = oh * g.StrideH - g.PadTop + kh * g.DilationH;
                if ((uint)ih >= (uint)g.H) continue;
                for (int kw = 0; kw < g.KW; kw++)
                {
                    int iw = ow * g.StrideW - g.PadLeft + kw * g.DilationW;
                    if ((uint)iw >= (uint)g.W) continue;
                    float* xp = x + (((long)n * g.H + ih) * g.W + iw) * g.C;
                    float* kp = k + (long)(kh * g.KW + kw) * g.C * cout + j0;
                    for (int c = 0; c < g.C; c++)
                    {
                        var v = Vector128.Create(xp[c]);
                        float* kr = kp + c * cout;
                        a0 = Vector128.MultiplyAddEstimate(v, Vector128.Load(kr), a0);
                        a1 = Vector128.MultiplyAddEstimate(v, Vector128.Load(kr + 4), a1);
                        if (width > 8)
                        {
                            a2 = Vector128.MultiplyAddEstimate(v, Vector128.Load(kr + 8), a2);
                            a3 = Vector128.MultiplyAddEstimate(v, Vector128.Load(kr + 12), a3);
                        }
                    }
                }
            }
            a0.Store(dst + j0); a1.Store(dst + j0 + 4);
            if (width > 8) { a2.Store(dst + j0 + 8); a3.Store(dst + j0 + 12); }
        }
    }
}
