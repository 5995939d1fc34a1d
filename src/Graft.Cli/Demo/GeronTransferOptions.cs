namespace Graft.Cli.Demo;

/// <summary>Settings of <see cref="GeronTransferExperiment"/>; the defaults are the book's.</summary>
internal sealed record GeronTransferOptions
{
    /// <summary>Epochs for model A on task A.</summary>
    public int EpochsA { get; init; } = 20;
    /// <summary>Epochs for model B from scratch.</summary>
    public int EpochsB { get; init; } = 20;
    /// <summary>Epochs of B on A with the reused layers frozen.</summary>
    public int FrozenEpochs { get; init; } = 4;
    /// <summary>Epochs of B on A after unfreezing.</summary>
    public int FineTuneEpochs { get; init; } = 16;
    /// <summary>Repetitions of B and B on A (seed, seed + 1, …).</summary>
    public int Seeds { get; init; } = 5;
    /// <summary>First seed.</summary>
    public int Seed { get; init; } = 42;
    /// <summary>Keras verbosity for every Fit (0, 1, 2).</summary>
    public int Verbose { get; init; } = 1;
    /// <summary>Where my_model_A.h5 and the other models are written.</summary>
    public required string OutputDirectory { get; init; }

    /// <summary>Use a small convolutional network (with batch normalization) instead of Géron's dense one.</summary>
    public bool Cnn { get; init; }

    /// <summary>The few-epochs, two-seeds variant for CI.</summary>
    public static GeronTransferOptions Quick(string outputDirectory) => new()
    {
        OutputDirectory = outputDirectory, EpochsA = 3, EpochsB = 5, FrozenEpochs = 2, FineTuneEpochs = 4, Seeds = 2,
    };
}
