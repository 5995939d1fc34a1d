using Graft.Constraints;
using Graft.Initializers;
using Graft.Regularizers;

namespace Graft.Config;

/// <summary>
/// What Keras attaches to one weight: how it starts, what it adds to the loss, and what it is
/// projected onto after each step (a Keras config's <c>kernel_initializer</c>,
/// <c>kernel_regularizer</c>, <c>kernel_constraint</c>). A layer holds one per weight and gives it
/// to <c>AddWeight</c>; each of the three writes and reads its own Keras form.
/// </summary>
/// <param name="Initializer">The starting values.</param>
/// <param name="Regularizer">The loss penalty, or null.</param>
/// <param name="Constraint">The projection after each step, or null.</param>
public sealed record WeightOptions(Initializer Initializer, Regularizer? Regularizer = null, Constraint? Constraint = null);
