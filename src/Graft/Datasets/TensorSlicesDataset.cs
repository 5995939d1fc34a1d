using Graft.Tensors;

namespace Graft.Datasets;

/// <summary>
/// Slices of in-memory tensors along their first axis, composed into an element. It gives the same
/// elements on every pass, so it can be replaced by precomputed features (see <see cref="Dataset{T}.ReplaceSource"/>).
/// </summary>
internal sealed class TensorSlicesDataset<T> : Dataset<T>
{
    public TensorSlicesDataset(Tensor[] components, Func<Tensor[], T> compose, string subject)
    {
        for (int i = 0; i < components.Length; i++)
        {
            ArgumentNullException.ThrowIfNull(components[i]);
            if (components[i].Rank == 0)
                throw new ArgumentException($"Dataset.{subject}: expected tensors with a first axis to slice, got a scalar (tensor {i}).");
            if (components[i].Shape[0] != components[0].Shape[0])
                throw new ArgumentException($"Dataset.{subject}: expected every tensor with the same number of samples, got {components[0].Shape[0]} (tensor 0, shape {components[0].Shape}) and {components[i].Shape[0]} (tensor {i}, shape {components[i].Shape}).");
        }
        Components = components;
        Compose = compose;
    }

    /// <summary>The sliced tensors, samples along the first axis.</summary>
    public Tensor[] Components { get; }

    /// <summary>Builds an element from one slice of each component.</summary>
    public Func<Tensor[], T> Compose { get; }

    public override long Cardinality => Components[0].Shape[0];

    public override IEnumerator<T> GetEnumerator()
    {
        int n = Components[0].Shape[0];
        for (int i = 0; i < n; i++)
        {
            var parts = new Tensor[Components.Length];
            // Slices are made outside any step's TensorScope, so they survive it.
            using (TensorScope.Suspend())
                for (int c = 0; c < parts.Length; c++) parts[c] = Components[c][i];
            yield return Compose(parts);
        }
    }

    internal override Dataset<T>? ReplaceSource(Func<Dataset<T>, Dataset<T>?> replace) => replace(this);

    internal override bool IsStable => true;
}
