using System.Runtime.CompilerServices;
using Graft.Layers.Normalization;
using Graft.Tensors;

namespace Graft.Models;

/// <summary>
/// A convolution's (or Dense's) kernel and bias with the BatchNormalization that follows it folded
/// in, for inference: with s = γ/√(σ² + ε) per output channel, W' = W·s and b' = (b − μ)·s + β, so
/// that BN(conv(x, W) + b) = conv(x, W') + b' and the normalization costs no pass over the output.
/// </summary>
/// <remarks>
/// Computed once and kept beside the BatchNormalization layer, keyed by the source tensors and their
/// <see cref="Tensor.Version"/>: training, <c>SetWeights</c>, loading or a BatchNormalization call in
/// training mode (its moving statistics) changes a version and the next inference call folds again.
/// The fold runs in float64 on the host, so it does not depend on the thread count.
/// </remarks>
internal sealed class FoldedWeights
{
    // Beside the BatchNormalization layer, and gone with it: one entry per normalization, whatever
    // model (or throwaway part of a model) runs it.
    private static readonly ConditionalWeakTable<BatchNormalization, FoldedWeights> s_cache = new();

    private readonly Tensor?[] _sources;
    private readonly int[] _versions;

    private FoldedWeights(Tensor?[] sources, int[] versions, Tensor kernel, Tensor bias)
    {
        _sources = sources;
        _versions = versions;
        Kernel = kernel;
        Bias = bias;
    }

    /// <summary>The folded kernel, of the source kernel's shape.</summary>
    public Tensor Kernel { get; }

    /// <summary>The folded bias, one value per output channel.</summary>
    public Tensor Bias { get; }

    /// <summary>
    /// The folded weights for <paramref name="kernel"/> and <paramref name="bias"/> followed by
    /// <paramref name="norm"/>, whose output channels are the kernel's trailing
    /// <paramref name="channels"/> elements (the last axis of a Conv2D or Dense kernel, the last two of a
    /// depthwise one). Thread-safe: concurrent first calls may both fold, to equal results.
    /// </summary>
    public static FoldedWeights For(BatchNormalization norm, Tensor kernel, Tensor? bias, Tensor? gamma, Tensor? beta, Tensor mean, Tensor variance, int channels)
    {
        Tensor?[] sources = [kernel, bias, gamma, beta, mean, variance];
        if (s_cache.TryGetValue(norm, out var cached) && cached.IsFor(sources)) return cached;
        // Versions first: a write after this read makes the entry stale rather than wrongly current.
        var versions = sources.Select(t => t?.Version ?? 0).ToArray();
        var fresh = Fold(sources, versions, norm.Epsilon, channels);
        s_cache.AddOrUpdate(norm, fresh);
        return fresh;
    }

    /// <summary>The folded weights kept for <paramref name="norm"/>, or null when none were folded.</summary>
    internal static FoldedWeights? Cached(BatchNormalization norm) => s_cache.TryGetValue(norm, out var f) ? f : null;

    private bool IsFor(Tensor?[] sources)
    {
        for (int i = 0; i < sources.Length; i++)
        {
            if (!ReferenceEquals(sources[i], _sources[i])) return false;
            if (sources[i] is { } t && t.Version != _versions[i]) return false;
        }
        return true;
    }

    private static FoldedWeights Fold(Tensor?[] sources, int[] versions, float epsilon, int channels)
    {
        var kernel = sources[0]!;
        float[] w = kernel.ToArray();
        float[]? b = sources[1]?.ToArray(), gamma = sources[2]?.ToArray(), beta = sources[3]?.ToArray();
        float[] mean = sources[4]!.ToArray(), variance = sources[5]!.ToArray();
        var scale = new double[channels];
        var bias = new float[channels];
        for (int c = 0; c < channels; c++)
        {
            // The inference normalization (x − μ)/√(σ² + ε)·γ + β, with ε added in float32 as the op does.
            double s = 1.0 / Math.Sqrt((double)(variance[c] + epsilon));
            if (gamma is not null) s *= gamma[c];
            scale[c] = s;
            double shifted = ((b?[c] ?? 0f) - (double)mean[c]) * s;
            bias[c] = (float)(beta is null ? shifted : shifted + beta[c]);
        }
        var folded = new float[w.Length];
        for (int i = 0; i < w.Length; i++) folded[i] = (float)(w[i] * scale[i % channels]);
        var device = kernel.Device;
        using var kept = TensorScope.Suspend();   // kept across calls, never owned by the caller's scope
        return new FoldedWeights(sources, versions,
            Tensor.Wrap(folded, kernel.Shape, device), Tensor.Wrap(bias, Shape.Wrap([channels]), device));
    }
}
