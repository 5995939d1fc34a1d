using Graft.Tensors;

namespace Graft.Layers;

/// <summary>
/// A layer's weight: a named tensor that persists across calls, like <c>keras.Variable</c>.
/// Its <see cref="Name"/> is what Keras files use (<c>kernel</c>, <c>bias</c>, <c>gamma</c>, …).
/// </summary>
public sealed class Variable
{
    internal Variable(Layer owner, string name, Tensor value, bool trainable, Regularizers.Regularizer? regularizer, Constraints.Constraint? constraint)
    {
        Owner = owner;
        Name = name;
        Value = value;
        Trainable = trainable;
        Regularizer = regularizer;
        Constraint = constraint;
    }

    /// <summary>The layer that created this weight.</summary>
    public Layer Owner { get; }

    /// <summary>Keras's weight name (<c>kernel</c>, <c>bias</c>, <c>moving_mean</c>, …).</summary>
    public string Name { get; }

    /// <summary><c>layer_name/weight_name</c>, as Keras 3 paths read.</summary>
    public string Path => $"{Owner.Name}/{Name}";

    /// <summary>The current value. Optimizers update it in place; <see cref="Assign"/> replaces its contents.</summary>
    public Tensor Value { get; }

    /// <summary>Whether the weight itself is trainable (a BatchNormalization moving mean is not), independent of its layer's flag.</summary>
    public bool Trainable { get; }

    /// <summary>The penalty added to the loss for this weight, or null.</summary>
    public Regularizers.Regularizer? Regularizer { get; }

    /// <summary>The projection applied after each optimizer step, or null.</summary>
    public Constraints.Constraint? Constraint { get; }

    /// <summary>Shape of the weight.</summary>
    public Shape Shape => Value.Shape;

    /// <summary>Copies <paramref name="value"/> into this weight.</summary>
    /// <exception cref="ArgumentException">The shapes differ (the message names the weight).</exception>
    public void Assign(Tensor value)
    {
        if (value.Shape != Value.Shape)
            throw new ArgumentException($"Variable '{Path}': expected a value of shape {Value.Shape}, got {value.Shape}.");
        Value.Assign(value);
    }

    /// <inheritdoc/>
    public override string ToString() => $"<Variable path={Path}, shape={Shape}>";
}
