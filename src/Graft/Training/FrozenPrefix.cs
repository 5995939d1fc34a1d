using Graft.Autograd;
using Graft.Layers;
using Graft.Models;
using Graft.Tensors;

namespace Graft.Training;

/// <summary>
/// Graft's answer to the cost of frozen layers: in a <see cref="Sequential"/> whose bottom layers
/// are frozen (no weight trained at this compile) and behave the same in training and inference,
/// those layers' outputs cannot change during <c>Fit</c>. They are computed once, in inference
/// batches, and the trainable top is trained on them — the same arithmetic as running the whole
/// model every step (Keras does), without re-running the frozen part every epoch.
/// </summary>
internal static class FrozenPrefix
{
    /// <summary>Largest cache, in floats (1 GiB), beyond which the frozen part is re-run instead.</summary>
    public const long MaxCachedFloats = 1L << 28;

    public static Func<Tensor, bool, Tensor> Plan(Model model, CompileState state, Tensor x, (Tensor X, Tensor Y)? validation,
        out (Tensor X, (Tensor X, Tensor Y)? Validation)? cache)
    {
        cache = null;
        if (model is not Sequential seq || !model.CacheFrozenLayers) return model.Call;
        var layers = seq.Layers;
        int frozen = 0;
        while (frozen < layers.Count - 1 && IsFixed(layers[frozen], state)) frozen++;
        // Nothing to save unless a layer with weights is frozen.
        if (frozen == 0 || !layers.Take(frozen).Any(l => l.Weights.Count > 0)) return model.Call;

        var prefix = layers.Take(frozen).ToArray();
        var top = layers.Skip(frozen).ToArray();
        var probe = OutputOf(seq, prefix, x[..1]);
        // A mask depends on each sample's padding; the cache keeps values only, so masked features are re-run.
        if (probe.Mask is not null) return model.Call;
        long perSample = 1;
        foreach (var d in probe.Shape.Dims[1..]) perSample *= d;
        long samples = x.Shape[0] + (validation?.X.Shape[0] ?? 0);
        if (perSample * samples > MaxCachedFloats) return model.Call;

        var features = Features(seq, prefix, x);
        (Tensor, Tensor)? val = validation is { } v ? (Features(seq, prefix, v.X), v.Y) : null;
        cache = (features, val);
        return (input, training) =>
        {
            foreach (var layer in top) input = layer.Call(input, training);
            return input;
        };
    }

    /// <summary>A layer whose output is fixed for this Fit: nothing in it is trained and training mode changes nothing.</summary>
    private static bool IsFixed(Layer layer, CompileState state) =>
        layer.TrainingMatchesInference && !layer.Weights.Any(state.IsTrained);

    private static Tensor OutputOf(Sequential seq, Layer[] prefix, Tensor x)
    {
        using var noGrad = GradMode.NoGrad();
        var input = seq.InputLayer is { } il ? il.Call(x) : x;
        foreach (var layer in prefix) input = layer.Call(input);
        return input;
    }

    private static Tensor Features(Sequential seq, Layer[] prefix, Tensor x)
    {
        var probe = Sequential.Stack(seq.InputLayer, prefix);
        return Trainer.Predict(probe, x, 256);
    }
}
