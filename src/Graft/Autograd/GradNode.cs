using Graft.Tensors;

namespace Graft.Autograd;

/// <summary>
/// One recorded op: its inputs and the rule that turns the gradient of its output into
/// gradients of the inputs (accumulated with <see cref="Tensor.AccumulateGrad"/>).
/// </summary>
internal sealed class GradNode
{
    private readonly Action<Tensor>? _backward;
    private readonly Action<Tensor, bool>? _backwardInPlace;

    public GradNode(string op, Tensor[] inputs, Action<Tensor> backward) => (Op, Inputs, _backward) = (op, inputs, backward);

    /// <summary>
    /// A node whose rule may write its input's gradient into the output gradient's memory: the rule
    /// gets, with the gradient, whether nothing else holds that memory (see <see cref="GradientRecycler.Owns"/>).
    /// </summary>
    public GradNode(string op, Tensor[] inputs, Action<Tensor, bool> backwardInPlace) => (Op, Inputs, _backwardInPlace) = (op, inputs, backwardInPlace);

    public string Op { get; }
    public Tensor[] Inputs { get; }

    /// <summary>Whether the rule can reuse the output gradient's memory when the sweep says it may.</summary>
    public bool MayOverwrite => _backwardInPlace is not null;

    /// <summary>Runs the rule on <paramref name="gradient"/>; <paramref name="overwritable"/>: no one else holds its memory, so the rule may write into it.</summary>
    public void Backward(Tensor gradient, bool overwritable = false)
    {
        if (_backwardInPlace is { } inPlace) inPlace(gradient, overwritable);
        else _backward!(gradient);
    }
}
