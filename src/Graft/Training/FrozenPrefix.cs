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
/// <remarks>
/// The data must give the same samples on every pass for this to hold: arrays do, and so does a
/// dataset made of in-memory slices or of a pure map (decoding files) followed only by stages that
/// reorder or group samples (see <see cref="FitData.WithFeatures"/>). A random stage in the model
/// below the frozen layers (an augmentation layer, dropout) ends the prefix where it stands.
/// </remarks>
internal sealed class FrozenPrefix
{
    /// <summary>Largest cache, in floats (1 GiB), beyond which the frozen part is re-run instead.</summary>
    public const long MaxCachedFloats = 1L << 28;

    private readonly Sequential _probe;
    private readonly Layer[] _top;

    private FrozenPrefix(Sequential probe, Layer[] top, long floatsPerSample, int inputRank)
    {
        _probe = probe;
        _top = top;
        FloatsPerSample = floatsPerSample;
        InputRank = inputRank;
    }

    /// <summary>Floats of the frozen part's output per sample.</summary>
    public long FloatsPerSample { get; }

    /// <summary>The rank of the model's input, batch axis included.</summary>
    public int InputRank { get; }

    /// <summary>
    /// The frozen bottom of <paramref name="model"/> for this compile, or null when there is none
    /// worth caching. <paramref name="sample"/> is a batch of inputs (its first sample is run once).
    /// </summary>
    public static FrozenPrefix? Find(Model model, CompileState state, Tensor sample)
    {
        if (model is not Sequential seq || !model.CacheFrozenLayers) return null;
        var layers = seq.Layers;
        int frozen = 0;
        while (frozen < layers.Count - 1 && IsFixed(layers[frozen], state)) frozen++;
        // Nothing to save unless a layer with weights is frozen.
        if (frozen == 0 || !layers.Take(frozen).Any(l => l.Weights.Count > 0)) return null;

        var prefix = layers.Take(frozen).ToArray();
        Tensor probe;
        using (Layers.Recurrent.StateProbe.Begin()) probe = OutputOf(seq, prefix, sample[..1]);
        // A mask depends on each sample's padding; the cache keeps values only, so masked features are re-run.
        if (probe.Mask is not null) return null;
        long perSample = 1;
        foreach (var d in probe.Shape.Dims[1..]) perSample *= d;
        return new FrozenPrefix(Sequential.Stack(seq.InputLayer, prefix), layers.Skip(frozen).ToArray(), perSample, sample.Rank);
    }

    /// <summary>The frozen part's outputs for x, in inference batches.</summary>
    public Tensor Features(Tensor x) => Trainer.Predict(_probe, x, 256);

    /// <summary>The trainable top run on features.</summary>
    public IReadOnlyList<Tensor> Top(IReadOnlyList<Tensor> features, bool training)
    {
        var input = features[0];
        foreach (var layer in _top) input = layer.Call(input, training);
        return [input];
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
}
