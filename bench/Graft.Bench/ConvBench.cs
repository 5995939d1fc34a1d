using System.Text.Json.Nodes;
using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Bench;

/// <summary>
/// 3×3 "same" convolutions (NHWC, batch 32, 28×28) through im2col + GEMM, as a fraction of
/// Graft's own 1024² GEMM rate (target: at least half), beside NumPy's GEMM rate.
/// </summary>
internal static class ConvBench
{
    public static void Run(Report report, Peers peers, BenchOptions options)
    {
        double minSeconds = options.Quick ? 0.3 : 1.0;
        double gemm = GemmBench.GraftGflops(1024, minSeconds);
        foreach (int c in new[] { 32, 64 })
        {
            int n = 32, h = 28, w = 28;
            var x = Tensor.RandomNormal([n, h, w, c], generator: new Generator(0));
            var k = Tensor.RandomNormal([3, 3, c, c], generator: new Generator(1));
            double t = Timing.Median(() => { using var s = TensorScope.Begin(); Ops.Conv2D(x, k, padding: "same"); }, minSeconds: minSeconds);
            double gflops = 2.0 * n * h * w * c * 9 * c / t / 1e9;
            report.Add($"conv3x3_c{c}", gflops, gemm, "GFLOPS", "graft gemm_1024 (target ratio >= 0.5)",
                new JsonObject { ["shape"] = $"({n}, {h}, {w}, {c}) * (3, 3, {c}, {c}) same" });
        }
    }
}
