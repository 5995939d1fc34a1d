using Graft.Tensors;

namespace Graft.Autograd;

/// <summary>
/// One recorded op: its inputs and the rule that turns the gradient of its output into
/// gradients of the inputs (accumulated with <see cref="Tensor.AccumulateGrad"/>).
/// </summary>
internal sealed class GradNode(string op, Tensor[] inputs, Action<Tensor> backward)
{
    public string Op { get; } = op;
    public Tensor[] Inputs { get; } = inputs;
    public Action<Tensor> Backward { get; } = backward;
}
