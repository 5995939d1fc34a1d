using System.Reflection;
using System.Runtime.CompilerServices;
using Graft.Tensors.Backends;
using Graft.Tensors.Kernels;

namespace Graft.Tests.Tensors;

/// <summary>
/// An app with the runtime's defaults (tiered compilation on) starts every method unoptimized and
/// optimizes it only after many calls; a kernel with a long loop would run its first epochs in that
/// code. Every kernel method with a loop-sized body, lambdas included, asks for full optimization at
/// its first call instead, unless it is always inlined into one that does.
/// </summary>
public class KernelCompilationTests
{
    private const int LargeBody = 96; // bytes of IL: beyond a getter or a short dispatch

    [Fact]
    public void KernelMethodsAreOptimizedFromTheirFirstCall()
    {
        var kernelTypes = typeof(Gemm).Assembly.GetTypes()
            .Where(t => t.Namespace == typeof(Gemm).Namespace || t == typeof(CpuBackend) || t.DeclaringType == typeof(CpuBackend))
            .Where(t => t != typeof(WorkerPool) && t.DeclaringType != typeof(WorkerPool))
            .Where(t => t.Name != nameof(ImageSampling) && t.DeclaringType?.Name != nameof(ImageSampling));
        var missing = new List<string>();
        foreach (var type in kernelTypes)
            foreach (var method in type.GetMethods(BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                var flags = method.MethodImplementationFlags;
                if ((flags & (MethodImplAttributes)(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)) != 0) continue;
                if ((method.GetMethodBody()?.GetILAsByteArray()?.Length ?? 0) <= LargeBody) continue;
                missing.Add($"{type.FullName}.{method.Name}");
            }
        Assert.True(missing.Count == 0, "expected [MethodImpl(MethodImplOptions.AggressiveOptimization)] on these kernel methods: " + string.Join(", ", missing));
    }
}
