using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Bench;

/// <summary>
/// Square float32 matrix products, Graft against NumPy on OpenBLAS (SkylakeX kernels, or Nehalem's
/// 128-bit ones when this process runs with DOTNET_EnableAVX=0).
/// </summary>
internal static class GemmBench
{
    public static readonly int[] Sizes = [256, 512, 1024, 2048];

    public static double GraftGflops(int n, double minSeconds)
    {
        var a = Tensor.RandomNormal([n, n], generator: new Generator(0));
        var b = Tensor.RandomNormal([n, n], generator: new Generator(1));
        double t = Timing.Median(() => { using var s = TensorScope.Begin(); Ops.MatMul(a, b); }, minSeconds: minSeconds);
        return 2.0 * n * n * n / t / 1e9;
    }

    public static void Run(Report report, Peers peers, BenchOptions options)
    {
        double minSeconds = options.Quick ? 0.3 : 1.0;
        var peer = peers.Run("gemm_limit.py", $"--single --variant coretype_{Peers.CoreType} --sizes {string.Join(',', Sizes)} --min-time {minSeconds}");
        var gflops = peer?.FirstOrDefault()?["gflops"]?.AsObject();
        string blas = peer?.FirstOrDefault()?["blas"]?.ToString() + " " + peer?.FirstOrDefault()?["blas_arch"];
        foreach (int n in Sizes)
        {
            double ours = GraftGflops(n, minSeconds);
            double? theirs = gflops?[n.ToString()]?.GetValue<double>();
            report.Add($"gemm_{n}", ours, theirs, "GFLOPS", $"numpy ({blas.Trim()})");
        }
    }
}
