using System.Runtime.CompilerServices;
using Graft.Tensors.Kernels;

namespace Graft.Tensors.Backends;

/// <summary>
/// A convolution's two gradients side by side: on two threads, a small layer's dX on one and its dW
/// on the other, each kernel planned for one thread. Split between two threads, the small CNN's
/// 3×3 32→64 layer's dX (143 M multiply-adds) ran only 1.25× faster than on one, its Winograd
/// blocks too few to share well; side by side the pair took 0.75-0.9× the time of the two in a row
/// (measured on a loaded 2-core AVX-512 machine). Also a first layer's kernel gradient taken
/// through its relu (<see cref="DirectConv.BackwardKernelThroughRelu"/>).
/// </summary>
internal sealed unsafe partial class CpuBackend
{
    /// <summary>
    /// Most multiply-adds per gradient for which the two run side by side: a small CNN's layers and a
    /// ResNet's 1×1/2 shortcuts at batch 16 (103 M) are below it, its 3×3 layers (0.9 G and up) above,
    /// where each kernel shares its own blocks well between the threads.
    /// </summary>
    private const long PairedGradientWork = 1L << 28;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Conv2DBackward(Tensor x, Tensor kernel, Tensor gy, int groups, in Conv2DGeometry g, Tensor? gx, Tensor? gk)
    {
        if (gx is not null && gk is not null && PairPays(g, groups, kernel.Shape[^1]))
        {
            var geo = g;
            // Each writes only its own gradient, and neither's bits depend on the thread count, so
            // the bits are those of the two calls in a row.
            WorkerPool.RunSideBySide(() => Conv2DBackwardInput(gy, kernel, groups, geo, gx), () => Conv2DBackwardKernel(x, gy, groups, geo, gk));
            return;
        }
        if (gx is not null) Conv2DBackwardInput(gy, kernel, groups, g, gx);
        if (gk is not null) Conv2DBackwardKernel(x, gy, groups, g, gk);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool Conv2DKernelGradientThroughRelu(Tensor x, Tensor y, Tensor g0, int groups, in Conv2DGeometry g, Tensor gk, Tensor? gb)
    {
        int cout = gk.Shape[^1];
        // A direct convolution's kernel gradient reads dY a row at a time: it masks each row as it
        // reads it. The GEMM paths pack or copy dY first and gain nothing from it.
        if (!DirectConv.Applies(g.C, cout, groups, g.KH * g.KW)) return false;
        fixed (float* px = x.Data, py = y.Data, pg = g0.Data, pk = gk.Data)
        {
            if (gb is null) DirectConv.BackwardKernelThroughRelu(px, py, pg, pk, null, g, cout);
            else fixed (float* pb = gb.Data) DirectConv.BackwardKernelThroughRelu(px, py, pg, pk, pb, g, cout);
        }
        return true;
    }

    /// <summary>
    /// Whether dX and dW run side by side: with exactly two threads (with more, each kernel alone
    /// would get only one of them) and a layer small enough that neither gradient shares its work well.
    /// </summary>
    internal static bool PairPays(in Conv2DGeometry g, int groups, int cout) =>
        WorkerPool.Threads == 2 && (long)g.Rows * g.KH * g.KW * (g.C / groups) * cout <= PairedGradientWork;
}
