using Graft.Tensors;

namespace Graft.Metrics;

/// <summary>
/// Intersection over union for 0/1 targets: a prediction at or above <see cref="Threshold"/> is class
/// 1, below it class 0 (see <see cref="IoU"/>); by default averaged over both classes.
/// </summary>
public sealed class BinaryIoU(IEnumerable<int>? targetClassIds = null, float threshold = 0.5f, string name = "binary_io_u")
    : IoU(2, targetClassIds ?? [0, 1], name)
{
    /// <summary>Decision threshold.</summary>
    public float Threshold { get; } = threshold;

    private protected override int[] PredictedIds(Tensor yPred) => Host(yPred).Select(v => v >= Threshold ? 1 : 0).ToArray();

    /// <inheritdoc/>
    public override Metric CloneEmpty() => new BinaryIoU(TargetClassIds, Threshold, Name);
}
