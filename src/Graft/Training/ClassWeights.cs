using Graft.Models;
using Graft.Tensors;

namespace Graft.Training;

/// <summary>Keras's <c>class_weight</c>: a weight per class, turned into a weight per sample from the targets.</summary>
internal static class ClassWeights
{
    /// <summary>
    /// Each sample's weight: its class's weight, 1 for a class not listed. The class is the target
    /// itself (rounded: 0/1 targets), or its arg-max for one-hot targets, as Keras's
    /// data_adapter_utils.class_weight_to_sample_weights reads it.
    /// </summary>
    public static Tensor ToSampleWeights(IReadOnlyDictionary<int, double> classWeight, Tensor[] y, Model model, string subject)
    {
        if (y.Length != 1)
            throw new ArgumentException($"{subject}: expected class_weight for a model with one output, got a model with {y.Length} outputs ({string.Join(", ", model.OutputNames)}). Pass sample weights instead.");
        var t = y[0];
        if (t.Rank > 2)
            throw new ArgumentException($"{subject}: expected targets of rank 1 or 2 with class_weight, got shape {t.Shape}. class_weight is not supported for 3+ dimensional targets.");
        int n = t.Shape[0], cols = t.Rank == 2 ? t.Shape[1] : 1;
        var values = t.ToArray();
        var weights = new float[n];
        for (int i = 0; i < n; i++)
        {
            int label;
            if (cols > 1)
            {
                label = 0;
                for (int c = 1; c < cols; c++) if (values[i * cols + c] > values[i * cols + label]) label = c;
            }
            else label = (int)Math.Round(values[i], MidpointRounding.ToEven);
            weights[i] = classWeight.TryGetValue(label, out double w) ? (float)w : 1f;
        }
        using (TensorScope.Suspend()) return Tensor.FromArray(weights, n);
    }
}
