using Graft.Tensors;

namespace Graft.Metrics;

/// <summary>
/// Intersection over union, TP / (TP + FP + FN) per class from a (weighted) confusion matrix accumulated over
/// everything seen, averaged over <see cref="TargetClassIds"/> that occur (a class absent from both
/// targets and predictions counts in no average). Targets and predictions are class ids
/// (<see cref="SparseYTrue"/>, <see cref="SparseYPred"/>) or one-hot / score vectors reduced by argmax
/// along the last axis; ids outside [0, classes) and <see cref="IgnoreClass"/> targets are skipped, as in Keras.
/// </summary>
public class IoU : Metric
{
    private readonly double[] _cm;

    /// <param name="numClasses">Number of classes (≥ 2).</param>
    /// <param name="targetClassIds">The classes averaged over.</param>
    /// <param name="name">Name in logs.</param>
    /// <param name="ignoreClass">A target id to skip (e.g. a "void" label), or null.</param>
    /// <param name="sparseYTrue">Whether targets are ids; false for one-hot rows.</param>
    /// <param name="sparseYPred">Whether predictions are ids; false for score rows.</param>
    public IoU(int numClasses, IEnumerable<int> targetClassIds, string name = "io_u", int? ignoreClass = null, bool sparseYTrue = true, bool sparseYPred = true)
        : base(name)
    {
        NumClasses = numClasses >= 2 ? numClasses : throw new ArgumentOutOfRangeException(nameof(numClasses), $"{GetType().Name}: expected num_classes >= 2, got {numClasses}.");
        TargetClassIds = targetClassIds.ToArray();
        if (TargetClassIds.Count == 0 || TargetClassIds.Any(id => id < 0 || id >= numClasses))
            throw new ArgumentException($"{GetType().Name}: expected target class ids in [0, {numClasses - 1}], got [{string.Join(", ", TargetClassIds)}].", nameof(targetClassIds));
        IgnoreClass = ignoreClass;
        SparseYTrue = sparseYTrue;
        SparseYPred = sparseYPred;
        _cm = new double[numClasses * numClasses];
    }

    /// <summary>Number of classes.</summary>
    public int NumClasses { get; }
    /// <summary>The classes averaged over.</summary>
    public IReadOnlyList<int> TargetClassIds { get; }
    /// <summary>A target id skipped, or null.</summary>
    public int? IgnoreClass { get; }
    /// <summary>Whether targets are class ids.</summary>
    public bool SparseYTrue { get; }
    /// <summary>Whether predictions are class ids.</summary>
    public bool SparseYPred { get; }

    /// <summary>Predicted class ids from the predictions (a subclass may threshold them).</summary>
    private protected virtual int[] PredictedIds(Tensor yPred) => SparseYPred ? Ids(yPred) : ArgMax(yPred);

    /// <inheritdoc/>
    public override void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight)
    {
        int[] t = SparseYTrue ? Ids(yTrue) : ArgMax(yTrue), p = PredictedIds(yPred);
        if (t.Length != p.Length)
            throw new ArgumentException($"{GetType().Name}: expected as many targets as predictions, got {yTrue.Shape} and {yPred.Shape}.");
        // Keras weighs each target id (one per value of sparse targets, one per row of one-hot ones).
        var idShape = SparseYTrue ? yTrue.Shape : yTrue.Rank <= 1 ? new Shape(1) : new Shape(yTrue.Shape.Dims[..^1]);
        var w = SampleWeights.Broadcast(sampleWeight, idShape, $"{GetType().Name} '{Name}'");
        for (int i = 0; i < t.Length; i++)
        {
            if (t[i] < 0 || t[i] >= NumClasses || p[i] < 0 || p[i] >= NumClasses || t[i] == IgnoreClass) continue;
            _cm[t[i] * NumClasses + p[i]] += w?[i] ?? 1f;
        }
    }

    /// <summary>Class ids as Keras casts them: truncated toward zero.</summary>
    private protected static int[] Ids(Tensor t) => Host(t).Select(v => (int)v).ToArray();

    private static int[] ArgMax(Tensor t)
    {
        var v = Host(t);
        int cols = t.Rank == 0 ? 1 : t.Shape[^1], rows = v.Length / cols;
        var ids = new int[rows];
        for (int r = 0; r < rows; r++)
        {
            int best = 0;
            for (int c = 1; c < cols; c++) if (v[r * cols + c] > v[r * cols + best]) best = c;
            ids[r] = best;
        }
        return ids;
    }

    /// <inheritdoc/>
    public override double Result()
    {
        double sum = 0, valid = 0;
        foreach (int k in TargetClassIds)
        {
            double tp = _cm[k * NumClasses + k], row = 0, col = 0;
            for (int j = 0; j < NumClasses; j++) { row += _cm[k * NumClasses + j]; col += _cm[j * NumClasses + k]; }
            double denominator = row + col - tp;
            if (denominator <= 1e-9) continue;
            sum += tp / (denominator + 1e-7);
            valid++;
        }
        return sum / (valid + 1e-7);
    }

    /// <inheritdoc/>
    public override void ResetState() => Array.Clear(_cm);
    /// <inheritdoc/>
    public override Metric CloneEmpty() => new IoU(NumClasses, TargetClassIds, Name, IgnoreClass, SparseYTrue, SparseYPred);
}
