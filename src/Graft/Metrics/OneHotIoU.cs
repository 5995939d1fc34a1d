namespace Graft.Metrics;

/// <summary>Intersection over union for one-hot targets and score predictions, each reduced by argmax (see <see cref="IoU"/>).</summary>
public sealed class OneHotIoU(int numClasses, IEnumerable<int> targetClassIds, string name = "one_hot_io_u", int? ignoreClass = null)
    : IoU(numClasses, targetClassIds, name, ignoreClass, sparseYTrue: false, sparseYPred: false)
{
    /// <inheritdoc/>
    public override Metric CloneEmpty() => new OneHotIoU(NumClasses, TargetClassIds, Name, IgnoreClass);
}
