using Graft.Autograd;
using Graft.Optimizers;

namespace Graft.Training.Callbacks;

/// <summary>
/// Evaluates and predicts with the moving averages of the weights that an optimizer with
/// <see cref="Optimizer.UseEma"/> keeps (Keras's <c>keras.callbacks.SwapEMAWeights</c>): the weights
/// and their averages trade places when an evaluation (<c>Fit</c>'s validation too) or a prediction
/// begins, and trade back when it ends. With <c>swapOnEpoch</c>, the model also holds the averages
/// from each epoch's end to the next epoch's beginning, so that callbacks after this one (a
/// <see cref="ModelCheckpoint"/>) save them.
/// </summary>
/// <remarks>
/// Keras's <c>on_predict_end</c> tests the wrong flag and leaves the averages in the model after a
/// prediction; this one trades back, as its <c>on_test_end</c> does.
/// </remarks>
/// <param name="swapOnEpoch">Also hold the averages between epochs (default false).</param>
public sealed class SwapEMAWeights(bool swapOnEpoch = false) : Callback
{
    private bool _averagesInModel;

    /// <summary>Whether the model holds the averages between epochs.</summary>
    public bool SwapOnEpoch { get; } = swapOnEpoch;

    /// <summary>Trades each trained weight with its moving average.</summary>
    private void Swap()
    {
        if (Model.Optimizer is not { UseEma: true } optimizer)
            throw new InvalidOperationException($"SwapEMAWeights: expected a model compiled with an optimizer with UseEma = true, got {(Model.Optimizer is { } o ? $"{o.Name} with UseEma = false" : "an uncompiled model")}. Set UseEma on the optimizer.");
        if (!optimizer.Built)
            throw new InvalidOperationException($"SwapEMAWeights: expected an optimizer that has trained the model and holds its moving averages, got {optimizer.Name} not yet built. Fit first.");
        using (GradMode.NoGrad())
            foreach (var v in optimizer.TrainableVariables)
            {
                var average = optimizer.AverageFor(v);
                var current = v.Value.Clone();
                v.Value.Assign(average);
                average.Assign(current);
            }
    }

    private void ToAverages()
    {
        if (_averagesInModel) return;
        Swap();
        _averagesInModel = true;
    }

    private void ToWeights()
    {
        if (!_averagesInModel) return;
        Swap();
        _averagesInModel = false;
    }

    /// <inheritdoc/>
    public override void OnEpochBegin(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        if (SwapOnEpoch) ToWeights();
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        if (!SwapOnEpoch || _averagesInModel) return;
        ToAverages();
        // Fit ends by setting the weights to the averages, which now hold the weights: after the last
        // epoch the averages take the model's values again, so that the model keeps them.
        if (epoch == Params.Epochs - 1 && Model.Optimizer is { } optimizer)
            using (GradMode.NoGrad())
                foreach (var v in optimizer.TrainableVariables) optimizer.AverageFor(v).Assign(v.Value);
    }

    /// <inheritdoc/>
    public override void OnTestBegin(IReadOnlyDictionary<string, double> logs) => ToAverages();

    /// <inheritdoc/>
    public override void OnTestEnd(IReadOnlyDictionary<string, double> logs) => ToWeights();

    /// <inheritdoc/>
    public override void OnPredictBegin(IReadOnlyDictionary<string, double> logs) => ToAverages();

    /// <inheritdoc/>
    public override void OnPredictEnd(IReadOnlyDictionary<string, double> logs) => ToWeights();
}
