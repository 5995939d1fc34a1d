using Graft.Tensors;

namespace Graft.Training;

/// <summary>One step's data: a tensor per model input and per output, and optional per-sample weights.</summary>
internal sealed record DataBatch(Tensor[] X, Tensor[] Y, Tensor? SampleWeight)
{
    /// <summary>Samples in the batch.</summary>
    public int Count => X[0].Shape[0];
}
