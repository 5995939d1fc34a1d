using Graft.Training;

namespace Graft.Cli.Demo;

/// <summary>One repetition of B and B on A.</summary>
internal sealed record GeronTransferRun(int Seed, History ModelB, double ModelBTestAccuracy, History Frozen, History FineTuned, double ModelBOnATestAccuracy);
