using Graft.Tensors.Kernels;
using System.Diagnostics;

unsafe
{
    foreach (int n in new[] { 256, 512, 1024, 2048 })
    {
        var a = new float[n * n]; var b = new float[n * n]; var c = new float[n * n];
        var r = new Random(1); for (int i = 0; i < a.Length; i++) { a[i] = (float)r.NextDouble(); b[i] = (float)r.NextDouble(); }
        fixed (float* pa = a, pb = b, pc = c)
        {
            Gemm.Multiply(n, n, n, pa, n, 1, pb, n, 1, pc, n, false);
            var ts = new List<double>();
            var sw0 = Stopwatch.StartNew();
            while (ts.Count < 9 || sw0.Elapsed.TotalSeconds < 1)
            {
                var sw = Stopwatch.StartNew();
                Gemm.Multiply(n, n, n, pa, n, 1, pb, n, 1, pc, n, false);
                ts.Add(sw.Elapsed.TotalSeconds);
            }
            ts.Sort();
            Console.WriteLine($"{n}: {2.0 * n * n * n / ts[ts.Count / 2] / 1e9:F1} GFLOPS (best {2.0 * n * n * n / ts[0] / 1e9:F1})");
        }
    }
}
