using System.Diagnostics;
using System.Text.Json.Nodes;
using Graft.Autograd;
using Graft.Layers.Core;
using Graft.Losses;
using Graft.Models;
using Graft.Optimizers;
using Graft.Tensors;

namespace Graft.Bench;

/// <summary>
/// Deep CNNs at full size: torchvision's ResNet18 and ResNet50 (224×224×3, batch 16) against
/// PyTorch's (bench/peers/torch_resnet.py, channels-last, OpenMP OpenBLAS with SkylakeX kernels).
/// Cases: resnet18_infer, resnet18_train (SGD momentum 0.9, sparse categorical cross-entropy,
/// BatchNorm in training mode), resnet18_frozen_train (trunk frozen, a new Dense(2) head, a
/// 5-epoch Fit over 64 images: images/s of the whole Fit against PyTorch's per epoch) and
/// resnet50_infer, then resnet18_train_memory (<see cref="ResNetMemoryBench"/>). The peer and Graft alternate, a round each, and each side's best round counts:
/// on a shared machine the best of a few is the least disturbed. Each case also reports the
/// fraction of the machine's GEMM rate it reaches (the faster of Graft's and PyTorch's 2048²
/// product in the same run), from the network's multiply-adds (training counts 3× the forward).
/// <c>--profile</c> prints where a ResNet18 training step's time goes, layer by layer forward and
/// op by op backward.
/// </summary>
internal static class ResNetBench
{
    private const int Batch = 16, Size = 224, FrozenImages = 64, FrozenEpochs = 5;

    public static void Run(Report report, Peers peers, BenchOptions options)
    {
        int rounds = options.Rounds ?? (options.Quick ? 1 : 3);
        int reps = options.Quick ? 3 : 5;
        GraftContext.Current.SetSeed(0);
        var g = new Generator(0);
        var x = Tensor.RandomNormal([Batch, Size, Size, 3], generator: g);
        var y = Tensor.FromArray(Enumerable.Range(0, Batch).Select(_ => (float)g.NextInt(1000)).ToArray(), Batch);
        var xs = Tensor.RandomNormal([FrozenImages, Size, Size, 3], generator: g);
        var ys = Tensor.FromArray(Enumerable.Range(0, FrozenImages).Select(_ => (float)g.NextInt(2)).ToArray(), FrozenImages);

        var (infer18, shape18) = ResNets.Build(18);
        var (train18, _) = ResNets.Build(18);
        train18.Compile(new SparseCategoricalCrossentropy(fromLogits: true), new SGD(0.01, momentum: 0.9));
        // Keras's transfer recipe: the trunk as a frozen base model under a new head in a Sequential.
        var (_, frozenShape) = ResNets.Build(18);
        var trunk = new Model(frozenShape.Input, frozenShape.Features, "resnet18_trunk") { Trainable = false };
        var frozen = new Sequential([trunk, new Dense(2, name: "new_head")]);
        frozen.Compile(new SparseCategoricalCrossentropy(fromLogits: true), new SGD(0.01));
        var (infer50, shape50) = ResNets.Build(50);

        if (options.Profile) { ProfileInference(infer18, x); Profile(train18, x, y); return; }

        string[] cases = ["resnet18_infer", "resnet18_train", "resnet18_frozen_train", "resnet50_infer"];
        var best = cases.ToDictionary(c => c, _ => 0.0);
        var peerBest = cases.Append("gemm").ToDictionary(c => c, _ => (double?)null);
        double graftGemm = 0;
        for (int round = 0; round < rounds; round++)
        {
            var peer = peers.RunOwn("torch_resnet.py", $"--cases {string.Join(',', cases)},gemm --batch {Batch} --size {Size} --reps {reps}", openmp: true);
            foreach (var line in peer ?? [])
                if (line["case"]?.ToString() is { } c && peerBest.ContainsKey(c))
                    peerBest[c] = Math.Max(peerBest[c] ?? 0, line["torch"]!.GetValue<double>());

            graftGemm = Math.Max(graftGemm, GemmBench.GraftGflops(2048, options.Quick ? 0.3 : 1.0));
            best["resnet18_infer"] = Math.Max(best["resnet18_infer"], InferRate(infer18, x, reps));
            best["resnet18_train"] = Math.Max(best["resnet18_train"], Timing.FitRate(train18, x, y, Batch, reps).epochMedian);
            var sw = Stopwatch.StartNew();
            frozen.Fit(xs, ys, batchSize: Batch, epochs: FrozenEpochs, verbose: 0);
            best["resnet18_frozen_train"] = Math.Max(best["resnet18_frozen_train"], FrozenImages * FrozenEpochs / sw.Elapsed.TotalSeconds);
            best["resnet50_infer"] = Math.Max(best["resnet50_infer"], InferRate(infer50, x, reps));
            report.Note($"round {round + 1}/{rounds}: " + string.Join(", ", cases.Select(c => $"{c} {best[c]:F1} / {peerBest[c]:F1}")));
        }

        double machineGemm = Math.Max(graftGemm, peerBest["gemm"] ?? 0);
        string peerName = "pytorch torchvision channels-last";
        void Add(string c, double flopsPerImage, string note)
        {
            double? peer = peerBest[c];
            report.Add(c, best[c], peer, "images/s", peerName, new JsonObject
            {
                ["graft_gemm_fraction"] = Math.Round(best[c] * flopsPerImage / 1e9 / machineGemm, 3),
                ["peer_gemm_fraction"] = peer is null ? null : Math.Round(peer.Value * flopsPerImage / 1e9 / machineGemm, 3),
                ["machine_gemm_gflops"] = Math.Round(machineGemm, 1),
                ["rounds"] = rounds,
                ["note"] = note,
            });
        }
        Add("resnet18_infer", shape18.ForwardFlops, $"batch {Batch}, {shape18.ForwardFlops / 1e9:F2} GFLOP per image");
        Add("resnet18_train", 3 * shape18.ForwardFlops, "one SGD-momentum step per batch, BatchNorm training mode");
        Add("resnet18_frozen_train", shape18.ForwardFlops, $"Graft: whole {FrozenEpochs}-epoch Fit over {FrozenImages} images (trunk computed once); PyTorch: one epoch (trunk each epoch)");
        Add("resnet50_infer", shape50.ForwardFlops, $"batch {Batch}, {shape50.ForwardFlops / 1e9:F2} GFLOP per image");
        report.Note($"machine GEMM rate: Graft {graftGemm:F0}, PyTorch {peerBest["gemm"]:F0} GFLOPS (2048², best of {rounds} rounds)");
        ResNetMemoryBench.Run(report, peers, rounds);
    }

    private static double InferRate(Model model, Tensor x, int reps)
    {
        model.Predict(x, batchSize: Batch);
        var times = new List<double>();
        for (int i = 0; i < reps; i++)
        {
            var sw = Stopwatch.StartNew();
            model.Predict(x, batchSize: Batch);
            times.Add(sw.Elapsed.TotalSeconds);
        }
        times.Sort();
        return x.Shape[0] / times[times.Count / 2];
    }

    /// <summary>
    /// Where a training step's time goes (ResNet18's, the small CNN's): each layer's forward (training
    /// mode) timed on its own, then the backward sweep timed node by node, both summed by layer kind
    /// (convolutions by window and stride), best of a few steps. The model ends in logits.
    /// </summary>
    internal static void Profile(Model model, Tensor x, Tensor y, string name = "ResNet18", int steps = 4)
    {
        var loss = new SparseCategoricalCrossentropy(fromLogits: true);
        foreach (var w in model.TrainableWeights) w.Value.RequiresGrad = true;
        Dictionary<string, double>? best = null;
        for (int step = 0; step < steps; step++)
        {
            var times = new Dictionary<string, double>();
            void Add(string key, double s) => times[key] = times.GetValueOrDefault(key) + s;
            using var scope = TensorScope.Begin();
            var values = new Dictionary<SymbolicTensor, Tensor>();
            var kindOf = new Dictionary<Tensor, string>(ReferenceEqualityComparer.Instance);
            var total = Stopwatch.StartNew();
            foreach (var layer in model.Layers)
            {
                var node = layer.InboundNodes[0];
                if (layer is InputLayer) { values[node.Output] = x; continue; }
                string kind = Kind(layer);
                var sw = Stopwatch.StartNew();
                var outs = layer.CallNode(node.Inputs.Select(s => values[s]).ToList(), training: true);
                Add("fwd " + kind, sw.Elapsed.TotalSeconds);
                values[node.Output] = outs[0];
                kindOf[outs[0]] = kind;
            }
            var sw2 = Stopwatch.StartNew();
            var l = loss.Call(y, values[model.Outputs[0]]);
            Add("fwd loss", sw2.Elapsed.TotalSeconds);

            // The backward sweep of Autograd.Backward, with a stopwatch around each rule.
            var order = new List<Tensor>();
            var visited = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
            var stack = new Stack<(Tensor t, int next)>();
            stack.Push((l, 0)); visited.Add(l);
            while (stack.Count > 0)
            {
                var (t, next) = stack.Pop();
                var inputs = t.Node?.Inputs;
                if (inputs is not null && next < inputs.Length)
                {
                    stack.Push((t, next + 1));
                    var child = inputs[next];
                    if (child.RequiresGrad && child.Node is not null && visited.Add(child)) stack.Push((child, 0));
                    continue;
                }
                order.Add(t);
            }
            l.AccumulateGrad(Tensor.Full(1f, l.Shape.ToArray(), l.Device));
            using (GradMode.NoGrad())
                for (int i = order.Count - 1; i >= 0; i--)
                {
                    var t = order[i];
                    if (t.Node is null || t.Grad is null) continue;
                    var sw = Stopwatch.StartNew();
                    t.Node.Backward(t.Grad);
                    Add($"bwd {t.Node.Op} ({kindOf.GetValueOrDefault(t, "-")})", sw.Elapsed.TotalSeconds);
                    t.Grad = null;
                }
            Add("total (no optimizer)", total.Elapsed.TotalSeconds);
            foreach (var w in model.TrainableWeights) w.Value.Grad = null;
            if (best is null || times["total (no optimizer)"] < best["total (no optimizer)"]) best = times;
        }
        Console.WriteLine($"{name} training step, batch {x.Shape[0]}: seconds (best of {steps} steps)");
        foreach (var (k, v) in best!.OrderByDescending(kv => kv.Value))
            Console.WriteLine($"  {k,-48} {v,8:F4}  {100 * v / best!["total (no optimizer)"],5:F1}%");
    }

    /// <summary>
    /// Where a ResNet18 inference batch's time goes: each layer's forward (inference mode, no
    /// gradient) timed on its own and summed by layer kind, with each kind's GFLOPS for the
    /// convolutions, best of a few batches.
    /// </summary>
    private static void ProfileInference(Model model, Tensor x)
    {
        Dictionary<string, double>? best = null;
        var flops = new Dictionary<string, double>();
        for (int step = 0; step < 4; step++)
        {
            var times = new Dictionary<string, double>();
            using var scope = TensorScope.Begin();
            using var noGrad = GradMode.NoGrad();
            var values = new Dictionary<SymbolicTensor, Tensor>();
            var total = Stopwatch.StartNew();
            foreach (var layer in model.Layers)
            {
                var node = layer.InboundNodes[0];
                if (layer is InputLayer) { values[node.Output] = x; continue; }
                string kind = Kind(layer);
                var inputs = node.Inputs.Select(s => values[s]).ToList();
                var sw = Stopwatch.StartNew();
                var outs = layer.CallNode(inputs, training: false);
                times[kind] = times.GetValueOrDefault(kind) + sw.Elapsed.TotalSeconds;
                values[node.Output] = outs[0];
                if (step == 0 && layer is Layers.Convolutional.Conv2D c)
                    flops[kind] = flops.GetValueOrDefault(kind) + 2.0 * outs[0].Shape.ToArray().Aggregate(1L, (a, b) => a * b)
                        * c.KernelSize[0] * c.KernelSize[1] * inputs[0].Shape[3];
            }
            times["total"] = total.Elapsed.TotalSeconds;
            if (best is null || times["total"] < best["total"]) best = times;
        }
        Console.WriteLine($"ResNet18 inference, batch {Batch}: seconds (best of 4 batches)");
        foreach (var (k, v) in best!.OrderByDescending(kv => kv.Value))
            Console.WriteLine($"  {k,-48} {v,8:F4}  {100 * v / best!["total"],5:F1}%" + (flops.TryGetValue(k, out var f) ? $"  {f / v / 1e9,6:F1} GFLOPS" : ""));
    }

    private static string Kind(Layers.Layer layer) => layer switch
    {
        Layers.Convolutional.Conv2D c => $"Conv2D {c.KernelSize[0]}x{c.KernelSize[1]}/{c.Strides[0]} ->{c.Filters}",
        Layers.Core.Dense d => $"Dense ->{d.Units}",
        _ => layer.GetType().Name,
    };
}
