using Graft.Layers;
using Graft.Tensors;

namespace Graft.Onnx.Layers;

/// <summary>
/// ONNX's <c>Slice</c> (and each output of <c>Split</c>): along each of <see cref="Axes"/> (Graft axes after
/// the batch), the elements <c>start, start + step, …</c> before <c>end</c>; bounds are already clamped to
/// the input's size at import.
/// </summary>
internal sealed class OnnxSlice : Layer
{
    public OnnxSlice(int[] axes, int[] starts, int[] ends, int[] steps, string? name = null) : base(name)
    {
        if (axes.Length != starts.Length || axes.Length != ends.Length || axes.Length != steps.Length || axes.Length == 0)
            throw new ArgumentException($"OnnxSlice: expected as many starts, ends and steps as axes (at least one), got {axes.Length} axes, {starts.Length} starts, {ends.Length} ends, {steps.Length} steps.");
        if (axes.Any(a => a < 1) || starts.Any(s => s < 0) || steps.Any(s => s < 1) || ends.Where((e, i) => e < starts[i]).Any())
            throw new ArgumentException($"OnnxSlice: expected axes after the batch axis, non-negative starts, ends at or after starts and positive steps, got axes {OnnxLayers.Format(axes)}, starts {OnnxLayers.Format(starts)}, ends {OnnxLayers.Format(ends)}, steps {OnnxLayers.Format(steps)}.");
        Axes = axes; Starts = starts; Ends = ends; Steps = steps;
    }

    public int[] Axes { get; }
    public int[] Starts { get; }
    public int[] Ends { get; }
    public int[] Steps { get; }

    protected override Tensor Forward(Tensor x, bool training)
    {
        for (int i = 0; i < Axes.Length; i++) x = x.Slice(Axes[i], Starts[i], Ends[i], Steps[i]);
        return x;
    }

    public override int?[] ComputeOutputShape(int?[] inputShape)
    {
        var r = (int?[])inputShape.Clone();
        for (int i = 0; i < Axes.Length; i++)
        {
            if (Axes[i] >= r.Length) throw new ArgumentException($"{Describe()}: expected an input with axis {Axes[i]}, got {FormatShape(inputShape)}.");
            if (r[Axes[i]] is { } n)
            {
                int s = Math.Min(Starts[i], n), e = Math.Min(Ends[i], n);
                r[Axes[i]] = e > s ? (e - s + Steps[i] - 1) / Steps[i] : 0;
            }
        }
        return r;
    }

}
