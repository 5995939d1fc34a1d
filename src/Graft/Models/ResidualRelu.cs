using Graft.Autograd;
using Graft.Layers;
using Graft.Layers.Merging;
using Graft.Tensors;
using Graft.Tensors.Backends;

namespace Graft.Models;

/// <summary>
/// An <see cref="Add"/> whose sum is read only by a relu (a residual block's end), run as one pass
/// that adds and clips each element, instead of a sum written out and read back by the activation,
/// in inference and training. The result and the gradients equal the two layers' to the bit (the
/// same float sum, then max with 0).
/// </summary>
internal sealed class ResidualRelu
{
    private ResidualRelu(Add add, Layer relu)
    {
        AddLayer = add;
        ReluLayer = relu;
    }

    /// <summary>The Add layer.</summary>
    public Add AddLayer { get; }

    /// <summary>The Activation or ReLU layer after it.</summary>
    public Layer ReluLayer { get; }

    /// <summary>The pair, when <paramref name="add"/> is an Add and <paramref name="next"/> a plain relu; the caller guarantees that only <paramref name="next"/> reads the sum.</summary>
    public static ResidualRelu? Match(Layer add, Layer next) =>
        add is Add a && FusedChain.EpilogueActivation(next) is { Name: "relu" } ? new ResidualRelu(a, next) : null;

    /// <summary>
    /// relu(Σ inputs), or null when the layers must run one by one (masks, shapes that broadcast, a
    /// layer not built, an activity penalty, or a gradient to record through more than two inputs or
    /// off the CPU).
    /// </summary>
    /// <remarks>
    /// In training the pair records one rule, the relu's then the Add's: the gradient masked where
    /// the output is above zero (in place when the sweep owns it), then handed to both inputs, as the
    /// two layers' rules would hand it on. The sum, which only the relu would have read, is never written.
    /// </remarks>
    public Tensor? TryRun(IReadOnlyList<Tensor> inputs)
    {
        if (inputs.Count < 2 || !AddLayer.Built || !ReluLayer.Built || AddLayer.ActivityRegularizer is not null || ReluLayer.ActivityRegularizer is not null) return null;
        var first = inputs[0];
        bool record = GradMode.IsEnabled && inputs.Any(x => x.RequiresGrad);
        if (record && (inputs.Count != 2 || first.Device != Device.Cpu)) return null;
        foreach (var x in inputs)
            if (x.Mask is not null || x.Shape != first.Shape || x.Device != first.Device) return null;
        var y = Tensor.Empty(first.Shape, zero: false, first.Device);
        var backend = first.Backend;
        int last = inputs.Count - 1;
        if (last > 1)
        {
            // Σ left to right, as the Add layer sums, so that the bits agree.
            backend.Binary(BinaryOp.Add, inputs[0], inputs[1], y);
            for (int i = 2; i < last; i++) backend.Binary(BinaryOp.Add, y, inputs[i], y);
        }
        var partial = last > 1 ? y : inputs[0];
        if (backend is IFusedAddRelu fused) fused.AddRelu(partial, inputs[last], y);
        else
        {
            backend.Binary(BinaryOp.Add, partial, inputs[last], y);
            backend.Unary(UnaryOp.Relu, y, y, 0f, float.NaN);
        }
        if (!record) return y;
        var (a, b) = (inputs[0], inputs[1]);
        return Tensor.RecordInPlace(y, "AddRelu", (gy, overwritable) =>
        {
            var g = overwritable ? gy : Tensor.Empty(y.Shape, zero: false, y.Device);
            y.Backend.UnaryBackward(UnaryOp.Relu, y, y, gy, g, 0f, float.NaN);
            if (a.RequiresGrad) a.AccumulateGrad(g);
            if (b.RequiresGrad) b.AccumulateGrad(g);
        }, a, b);
    }
}
