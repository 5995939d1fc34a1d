using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Layers.Preprocessing;

/// <summary>
/// Flips each image of a batch left-right and/or top-bottom with probability 1/2 during training;
/// the identity at inference (Keras's <c>layers.RandomFlip</c>). Input and output: (batch, height,
/// width, channels) or one image (height, width, channels), or channels first.
/// </summary>
/// <remarks>
/// As in Keras 3 (<c>random_flip.py</c>), "horizontal_and_vertical" draws one coin per image and
/// flips it both ways or not at all.
/// </remarks>
public sealed class RandomFlip : Layer
{
    private static readonly string[] s_modes = ["horizontal", "vertical", "horizontal_and_vertical"];
    private readonly Generator? _generator;

    /// <param name="mode">"horizontal" (left-right), "vertical" (top-bottom) or "horizontal_and_vertical" (Keras's default).</param>
    /// <param name="seed">Seed for repeatable flips; null uses the current context's generator.</param>
    /// <param name="dataFormat">"channels_last" (default) or "channels_first".</param>
    /// <param name="inputShape">Shape of one image, as Keras's <c>input_shape</c>.</param>
    /// <param name="name">Layer name.</param>
    /// <exception cref="ArgumentException">The mode or data format is unknown.</exception>
    public RandomFlip(string mode = "horizontal_and_vertical", long? seed = null, string? dataFormat = null, int[]? inputShape = null, string? name = null) : base(name, inputShape)
    {
        Mode = ImageLayout.OneOf(mode, s_modes, "mode", Describe());
        DataFormat = ImageLayout.DataFormat(dataFormat, Describe());
        Seed = seed;
        if (seed is { } s) _generator = new Generator(s);
    }

    /// <summary>"horizontal", "vertical" or "horizontal_and_vertical".</summary>
    public string Mode { get; }
    /// <summary>Seed, or null.</summary>
    public long? Seed { get; }
    /// <summary>"channels_last" or "channels_first".</summary>
    public string DataFormat { get; }

    /// <inheritdoc/>
    protected internal override bool TrainingMatchesInference => false;

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor x, bool training)
    {
        if (!training) return x;
        var (images, single) = ImageLayout.ToBatchedChannelsLast(x, DataFormat, Describe());
        int n = images.Shape[0], h = images.Shape[1], w = images.Shape[2], c = images.Shape[3];
        var generator = _generator ?? GraftContext.Current.Generator;
        bool horizontal = Mode != "vertical", vertical = Mode != "horizontal";
        var source = new int[n * h * w];
        for (int b = 0; b < n; b++)
        {
            bool flip = generator.NextFloat() <= 0.5f;   // Keras: uniform ≤ 0.5
            for (int i = 0; i < h; i++)
                for (int j = 0; j < w; j++)
                {
                    int si = flip && vertical ? h - 1 - i : i, sj = flip && horizontal ? w - 1 - j : j;
                    source[(b * h + i) * w + j] = (b * h + si) * w + sj;
                }
        }
        var y = Ops.Reshape(Ops.Gather(Ops.Reshape(images, n * h * w, c), source), n, h, w, c);
        return ImageLayout.FromBatchedChannelsLast(y, single, DataFormat);
    }
}
