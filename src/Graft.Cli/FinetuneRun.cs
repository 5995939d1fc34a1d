using Graft.Applications;

namespace Graft.Cli;

/// <summary>One <c>graft finetune</c> run: what it was given and what it produced, for the report and the JSON.</summary>
internal sealed record FinetuneRun(string Source, string DataDirectory, int TrainSamples, int ValidationSamples, FineTuningBase Base,
    FineTuningOptions Options, int BatchSize, double ValidationSplit, FineTuningResult Result, string ModelPath);
