using Graft.Models;
using Graft.Training;

namespace Graft.Applications;

/// <summary>What <see cref="FineTuning.Run"/> trained, and how it went.</summary>
/// <param name="Model">The whole model: preprocessing, the cut base (called with <c>training: false</c>) and the new head; trainable again after fine-tuning.</param>
/// <param name="Base">The cut base inside <paramref name="Model"/>.</param>
/// <param name="ClassNames">The class of each label, in label order.</param>
/// <param name="Frozen">The history of the frozen phase.</param>
/// <param name="FineTuned">The history of the fine-tuning phase (empty with 0 epochs).</param>
/// <param name="FrozenValidation">Validation loss and metrics at the end of the frozen phase.</param>
/// <param name="FineTunedValidation">Validation loss and metrics at the end (equal to the frozen ones with 0 fine-tuning epochs).</param>
public sealed record FineTuningResult(Model Model, Model Base, IReadOnlyList<string> ClassNames, History Frozen, History FineTuned,
    IReadOnlyDictionary<string, double> FrozenValidation, IReadOnlyDictionary<string, double> FineTunedValidation);
