using Graft.Layers.Core;
using Graft.Layers.Reshaping;
using Graft.Models;
using Graft.Optimizers;
using Graft.Training;

namespace Graft.Experiments;

/// <summary>One repetition of B and B on A.</summary>
public sealed record GeronTransferRun(int Seed, History ModelB, double ModelBTestAccuracy, History Frozen, History FineTuned, double ModelBOnATestAccuracy);
