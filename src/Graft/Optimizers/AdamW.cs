
namespace Graft.Optimizers;

/// <summary>Adam with decoupled weight decay; Keras's default decay 0.004.</summary>
public sealed class AdamW(LearningRate? learningRate = null, double weightDecay = 0.004, double beta1 = 0.9, double beta2 = 0.999,
    double epsilon = 1e-7, bool amsgrad = false, double? clipnorm = null, double? clipvalue = null, double? globalClipnorm = null)
    : Adam(learningRate, beta1, beta2, epsilon, amsgrad, weightDecay, clipnorm, clipvalue, globalClipnorm)
{
    internal override string KerasName => "adamw";
}
