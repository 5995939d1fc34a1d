using System.Diagnostics;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using Graft.Autograd;
using Graft.Layers;
using Graft.Tensors;

namespace Graft.Training;

/// <summary>
/// Sums the trained weights' gradients over the ranks of a process group in buckets, while
/// backpropagation goes on (DDP's gradient buckets, Horovod's tensor fusion). The weights are taken
/// in reverse order, the order backpropagation finishes them, and cut into buckets: a small first one
/// so that communication starts early, then larger ones so that each message is long enough to run
/// at the link's bandwidth. A bucket is sent as soon as all its gradients are complete and every
/// earlier bucket has been sent, so every rank sends the same buckets in the same order.
/// </summary>
/// <remarks>
/// Each weight also carries one flag, 1 when the rank computed a gradient for it: a weight that no
/// rank reached (an unused branch) keeps no gradient, as on one process, so the optimizer skips it
/// everywhere alike.
/// </remarks>
internal sealed class GradientBuckets
{
    /// <summary>The first bucket, in floats (1 MiB, DDP's first bucket): its message leaves while most of the backward pass remains.</summary>
    public const int FirstBucketFloats = 1 << 18;

    /// <summary>Every later bucket, in floats (25 MiB, DDP's <c>bucket_cap_mb</c>).</summary>
    public const int BucketFloats = 25 << 18;

    private readonly IProcessGroup _group;
    private readonly Variable[] _variables;
    private readonly Dictionary<Tensor, int> _index = new(ReferenceEqualityComparer.Instance);
    private readonly int[] _bucketOf, _offset, _flagAt;
    private readonly float[][] _buffers;
    private readonly int[] _pending;
    private readonly bool[] _written;
    private readonly Task?[] _sent;
    private int _launched;
    private float _scale;

    /// <param name="group">The ranks to sum over.</param>
    /// <param name="trained">The trained weights, in <c>TrainableWeights</c> order (the same on every rank).</param>
    /// <param name="firstBucketFloats">Size of the first bucket.</param>
    /// <param name="bucketFloats">Size of the later buckets.</param>
    public GradientBuckets(IProcessGroup group, IReadOnlyList<Variable> trained, int firstBucketFloats = FirstBucketFloats, int bucketFloats = BucketFloats)
    {
        _group = group;
        _variables = [.. trained.Reverse()];
        _bucketOf = new int[_variables.Length];
        _offset = new int[_variables.Length];
        _flagAt = new int[_variables.Length];
        _written = new bool[_variables.Length];
        var sizes = new List<int>();
        var members = new List<List<int>>();
        int filled = 0;
        for (int i = 0; i < _variables.Length; i++)
        {
            int size = _variables[i].Value.Size;
            int cap = members.Count <= 1 ? firstBucketFloats : bucketFloats;
            // A weight larger than a bucket travels alone rather than split.
            if (members.Count == 0 || (filled > 0 && filled + size > cap))
            {
                members.Add([]);
                sizes.Add(0);
                filled = 0;
            }
            _bucketOf[i] = members.Count - 1;
            _offset[i] = filled;
            members[^1].Add(i);
            filled += size;
            sizes[^1] = filled;
            _index[_variables[i].Value] = i;
        }
        _buffers = new float[members.Count][];
        for (int b = 0; b < members.Count; b++)
        {
            // The flags follow the bucket's gradients, one per weight.
            _buffers[b] = new float[sizes[b] + members[b].Count];
            for (int k = 0; k < members[b].Count; k++) _flagAt[members[b][k]] = sizes[b] + k;
        }
        _pending = new int[members.Count];
        _sent = new Task?[members.Count];
        Members = [.. members.Select(m => m.Count)];
    }

    /// <summary>Weights per bucket, first sent first.</summary>
    public int[] Members { get; }

    /// <summary>Time the last <see cref="Reduce"/> waited for sums after its backward pass ended: the communication that did not overlap.</summary>
    public TimeSpan LastWait { get; private set; }

    /// <summary>Time the last <see cref="Reduce"/> spent in its backward pass (the gradients copied into buckets included).</summary>
    public TimeSpan LastBackward { get; private set; }

    /// <summary>
    /// Backpropagates <paramref name="loss"/> (none when this rank's share of the batch is empty), sums
    /// every trained weight's gradient times <paramref name="scale"/> over the ranks, and leaves the sum
    /// in the weight's <see cref="Tensor.Grad"/>.
    /// </summary>
    /// <param name="loss">This rank's loss, or null to contribute nothing.</param>
    /// <param name="scale">This rank's share of the global batch: the global loss is the shares' weighted sum of the ranks' losses.</param>
    public void Reduce(Tensor? loss, float scale)
    {
        _scale = scale;
        _launched = 0;
        Array.Clear(_written);
        Array.Clear(_sent);
        for (int b = 0; b < _pending.Length; b++) _pending[b] = Members[b];
        var clock = Stopwatch.StartNew();
        if (loss is not null) Backward.Run(loss, null, OnLeafGradient);
        // Weights that got no gradient here still fill their place in the buckets, so every rank sends the same messages.
        for (int i = 0; i < _variables.Length; i++)
            if (!_written[i]) Write(i, null);
        LastBackward = clock.Elapsed;
        clock.Restart();
        foreach (var sent in _sent) sent!.GetAwaiter().GetResult();
        LastWait = clock.Elapsed;
        for (int i = 0; i < _variables.Length; i++)
        {
            var v = _variables[i].Value;
            var buffer = _buffers[_bucketOf[i]];
            if (buffer[_flagAt[i]] == 0) { v.ZeroGrad(); continue; }
            var sum = buffer.AsSpan(_offset[i], v.Size).ToArray();
            v.Grad = Tensor.FromArray(sum, v.Shape.ToArray(), v.Device);
        }
    }

    private void OnLeafGradient(Tensor leaf)
    {
        if (_index.TryGetValue(leaf, out int i) && !_written[i]) Write(i, leaf.Grad);
    }

    /// <summary>Copies weight <paramref name="i"/>'s scaled gradient (zeros when null) into its bucket, then sends what is complete.</summary>
    private void Write(int i, Tensor? grad)
    {
        var buffer = _buffers[_bucketOf[i]];
        var span = buffer.AsSpan(_offset[i], _variables[i].Value.Size);
        if (grad is null) span.Clear();
        else
        {
            grad.CopyTo(0, span);
            if (_scale != 1) TensorPrimitives.Multiply(span, _scale, span);
        }
        buffer[_flagAt[i]] = grad is null ? 0 : 1;
        _written[i] = true;
        _pending[_bucketOf[i]]--;
        while (_launched < _pending.Length && _pending[_launched] == 0)
        {
            _sent[_launched] = _group.AllreduceSumAsync(_buffers[_launched]);
            _launched++;
        }
    }
}
