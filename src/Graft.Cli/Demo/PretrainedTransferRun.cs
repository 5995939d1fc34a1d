using Graft.Training;

namespace Graft.Cli.Demo;

/// <summary>One repetition: the network from scratch, and the pretrained one (frozen, then optionally fine-tuned).</summary>
internal sealed record PretrainedTransferRun(int Seed, History Scratch, double ScratchTestAccuracy, History Frozen, double FrozenTestAccuracy,
    History? FineTuned, double? FineTunedTestAccuracy);
