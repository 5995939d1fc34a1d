namespace Graft.Cli.Demo;

/// <summary>Settings of <see cref="PretrainedTransferExperiment"/>.</summary>
internal sealed record PretrainedTransferOptions
{
    /// <summary>
    /// Side of the square image fed to ResNet18 (a multiple of 32). 64 by default: Fashion-MNIST's
    /// 28×28 images hold no detail that 224 would add, and 64 costs a twelfth of 224's arithmetic.
    /// </summary>
    public int ImageSize { get; init; } = 64;
    /// <summary>Epochs of the network trained from scratch.</summary>
    public int ScratchEpochs { get; init; } = 10;
    /// <summary>Epochs of the new head on the frozen pretrained network (cheap: the base runs once per Fit).</summary>
    public int FrozenEpochs { get; init; } = 20;
    /// <summary>Epochs of fine-tuning the whole pretrained network afterwards (Adam 1e-5, BatchNormalization kept frozen); 0: none.</summary>
    public int FineTuneEpochs { get; init; }
    /// <summary>Repetitions (seed, seed + 1, …).</summary>
    public int Seeds { get; init; } = 3;
    /// <summary>First seed.</summary>
    public int Seed { get; init; } = 42;
    /// <summary>Training images of task B (sandal or shirt?).</summary>
    public int TrainImages { get; init; } = 200;
    /// <summary>Validation images (the first of task B's validation split), evaluated after every epoch.</summary>
    public int ValidationImages { get; init; } = 500;
    /// <summary>Test images (the first of task B's test split; 2,000 in all).</summary>
    public int TestImages { get; init; } = 2000;
    /// <summary>Keras verbosity for every Fit (0, 1, 2).</summary>
    public int Verbose { get; init; } = 1;
    /// <summary>The package's ResNet18.onnx, when not in the NuGet cache.</summary>
    public string? BasePath { get; init; }
    /// <summary>Where the report is written.</summary>
    public required string OutputDirectory { get; init; }

    /// <summary>The few-epochs, two-seeds variant.</summary>
    public static PretrainedTransferOptions Quick(string outputDirectory) => new()
    {
        OutputDirectory = outputDirectory, ScratchEpochs = 3, FrozenEpochs = 10, Seeds = 2, ValidationImages = 200, TestImages = 500,
    };
}
