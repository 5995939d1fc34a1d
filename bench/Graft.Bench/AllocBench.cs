using System.Text.Json.Nodes;
using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Bench;

/// <summary>
/// Bytes the garbage collector sees per training step of a small MLP (784-128-10, batch 32,
/// softmax cross-entropy, SGD), with the step inside a <see cref="TensorScope"/> (buffers pooled)
/// and, as the reference, without one (every buffer fresh).
/// </summary>
internal static class AllocBench
{
    public static void Run(Report report, BenchOptions options)
    {
        int steps = options.Quick ? 50 : 200;
        var g = new Generator(0);
        var w1 = Param(Tensor.RandomNormal([784, 128], 0, 0.05f, g));
        var b1 = Param(Tensor.Zeros(128));
        var w2 = Param(Tensor.RandomNormal([128, 10], 0, 0.05f, g));
        var b2 = Param(Tensor.Zeros(10));
        Tensor[] ps = [w1, b1, w2, b2];
        var x = Tensor.RandomUniform([32, 784], generator: g);
        var y = Ops.OneHot(Tensor.FromArray(Enumerable.Range(0, 32).Select(i => (float)(i % 10)).ToArray(), 32), 10);

        void Step()
        {
            var h = Ops.Relu(Ops.Add(Ops.MatMul(x, w1), b1));
            var logits = Ops.Add(Ops.MatMul(h, w2), b2);
            var loss = Ops.Mean(Ops.CategoricalCrossEntropy(y, logits, fromLogits: true));
            loss.Backward();
            foreach (var p in ps) { p.Backend.Axpy(-0.01f, p.Grad!, p); p.ZeroGrad(); }
        }

        double Measure(bool pooled)
        {
            for (int i = 0; i < 20; i++) Run1(pooled);
            long before = GC.GetTotalAllocatedBytes(precise: true);
            for (int i = 0; i < steps; i++) Run1(pooled);
            return (GC.GetTotalAllocatedBytes(precise: true) - before) / (double)steps;
        }

        void Run1(bool pooled)
        {
            if (!pooled) { Step(); return; }
            using var scope = TensorScope.Begin();
            Step();
        }

        double pooledBytes = Measure(pooled: true), freshBytes = Measure(pooled: false);
        report.Add("train_step_alloc", pooledBytes, freshBytes, "bytes/step", "same step without TensorScope",
            new JsonObject { ["network"] = "784-128-10 relu, batch 32, SGD" });
    }

    private static Tensor Param(Tensor t) { t.RequiresGrad = true; return t; }
}
