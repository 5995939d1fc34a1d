using Graft.Tensors;

namespace Graft.Layers.Preprocessing;

/// <summary>
/// Stretches each channel of each image to the full value range: (v − min)·(range / (max − min)) per
/// image and channel, clipped; a channel with one value is left as it is. Deterministic and active in
/// training and inference alike (Keras's <c>layers.AutoContrast</c>). Input and output: (batch,
/// height, width, channels) or one image, channels last or first.
/// </summary>
public sealed class AutoContrast : Layer
{
    /// <param name="valueRange">The range of the pixel values; (0, 255) by default (either order).</param>
    /// <param name="dataFormat">"channels_last" (default) or "channels_first".</param>
    /// <param name="inputShape">Shape of one image, as Keras's <c>input_shape</c>.</param>
    /// <param name="name">Layer name.</param>
    /// <exception cref="ArgumentException">The value range is not two different finite numbers, or the data format is unknown.</exception>
    public AutoContrast((double Low, double High)? valueRange = null, string? dataFormat = null, int[]? inputShape = null, string? name = null)
        : base(name, inputShape)
    {
        ValueRange = ValueRanges.Sorted(valueRange, Describe());
        DataFormat = ImageLayout.DataFormat(dataFormat, Describe());
    }

    /// <summary>The pixel value range, sorted.</summary>
    public (float Low, float High) ValueRange { get; }
    /// <summary>"channels_last" or "channels_first".</summary>
    public string DataFormat { get; }

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor x, bool training)
    {
        var (images, single) = ImageLayout.ToBatchedChannelsLast(x, DataFormat, Describe());
        int n = images.Shape[0], c = images.Shape[3];
        var original = images.ToArray();
        var v = (float[])original.Clone();
        ValueRanges.Map(v, ValueRange, ValueRanges.Bytes);
        int per = v.Length / n;
        var min = new float[c]; var max = new float[c];
        for (int b = 0; b < n; b++)
        {
            Array.Fill(min, float.PositiveInfinity); Array.Fill(max, float.NegativeInfinity);
            for (int i = b * per; i < (b + 1) * per; i++) { min[i % c] = Math.Min(min[i % c], v[i]); max[i % c] = Math.Max(max[i % c], v[i]); }
            for (int i = b * per; i < (b + 1) * per; i++)
            {
                // Keras's order of operations: a flat channel divides by zero and gives NaN, which
                // below restores the original value.
                float scale = 255f / (max[i % c] - min[i % c]), offset = -min[i % c] * scale;
                v[i] = Math.Clamp(v[i] * scale + offset, 0f, 255f);
            }
        }
        ValueRanges.Map(v, ValueRanges.Bytes, ValueRange);
        for (int i = 0; i < v.Length; i++) if (float.IsNaN(v[i])) v[i] = original[i];
        return ImageLayout.FromBatchedChannelsLast(Tensor.FromArray(v, images.Shape.Dims), single, DataFormat);
    }
}
