namespace Graft.Metrics;

/// <summary>Intersection over union averaged over every class (see <see cref="IoU"/>).</summary>
public sealed class MeanIoU(int numClasses, string name = "mean_io_u", int? ignoreClass = null, bool sparseYTrue = true, bool sparseYPred = true)
    : IoU(numClasses, Enumerable.Range(0, Math.Max(numClasses, 0)), name, ignoreClass, sparseYTrue, sparseYPred)
{
    /// <inheritdoc/>
    public override Metric CloneEmpty() => new MeanIoU(NumClasses, Name, IgnoreClass, SparseYTrue, SparseYPred);
}
