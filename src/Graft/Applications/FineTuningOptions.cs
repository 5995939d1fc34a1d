namespace Graft.Applications;

/// <summary>
/// The settings of <see cref="FineTuning.Run"/>: where to cut the base, what goes in front of it, and the
/// two training phases. Defaults are those of <c>graft finetune</c>.
/// </summary>
public sealed record FineTuningOptions
{
    /// <summary>The layer whose output the new head reads (Keras's <c>base.get_layer(name).output</c>); null: all layers but the last (<c>layers[:-1]</c>), or the whole base when it was built without its top.</summary>
    public string? Cut { get; init; }

    /// <summary><c>Rescaling(scale, offset)</c> in front of the base, for a base trained on scaled pixels (e.g. (1/255, 0)); null for none.</summary>
    public (double Scale, double Offset)? Rescale { get; init; }

    /// <summary>Put Keras's guide's augmentation in front: <c>RandomFlip("horizontal")</c> and <c>RandomRotation(0.1)</c>, active only in training.</summary>
    public bool Augment { get; init; }

    /// <summary>The seed of the new weights and of the augmentation layers; null leaves the current context's random stream as it is.</summary>
    public long? Seed { get; init; }

    /// <summary>Epochs with the base frozen, training the new head (default 4).</summary>
    public int EpochsFrozen { get; init; } = 4;

    /// <summary>Epochs after unfreezing the base (default 16); 0 stops after the frozen phase.</summary>
    public int Epochs { get; init; } = 16;

    /// <summary>The low learning rate of the fine-tuning phase (Adam; default 1e-4). The frozen phase uses Adam's default, 1e-3.</summary>
    public double LearningRate { get; init; } = 1e-4;

    /// <summary>Fit's progress: 0 silent, 1 progress bar, 2 one line per epoch (default 0).</summary>
    public int Verbose { get; init; }
}
