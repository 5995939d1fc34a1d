using Graft.Autograd;
using Graft.Layers;
using Graft.Tensors;

namespace Graft.Onnx.Layers;

/// <summary>
/// ONNX's <c>Resize</c> and <c>Upsample</c> on channels-last images, nearest or (bi)linear, with ONNX's
/// coordinate transformation and nearest rounding modes: each output row (then column) is one input row
/// or a weighted pair of them, so the layer is two gathers and a blend per axis.
/// </summary>
internal sealed class OnnxResize : Layer
{
    public static readonly string[] CoordinateModes = ["half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric", "tf_half_pixel_for_nn"];
    public static readonly string[] NearestModes = ["round_prefer_floor", "round_prefer_ceil", "floor", "ceil"];
    private (int[] Low, int[] High, Tensor? Weight)[]? _tables;

    /// <param name="size">(rows, cols) of the output.</param>
    /// <param name="scales">(rows, cols) scales as the file gives them (the coordinate transform divides by them).</param>
    /// <param name="mode">"nearest" or "linear".</param>
    /// <param name="coordinateMode">ONNX's <c>coordinate_transformation_mode</c>.</param>
    /// <param name="nearestMode">ONNX's <c>nearest_mode</c>.</param>
    /// <param name="name">Layer name.</param>
    public OnnxResize(int[] size, (double Rows, double Cols) scales, string mode, string coordinateMode, string nearestMode, string? name = null) : base(name)
    {
        if (size.Length != 2 || size.Any(s => s < 1) || !(scales.Rows > 0) || !(scales.Cols > 0))
            throw new ArgumentException($"OnnxResize: expected 2 positive output sizes and scales, got size {OnnxLayers.Format(size)}, scales {scales}.");
        if (mode is not ("nearest" or "linear")) throw new ArgumentException($"OnnxResize: expected mode 'nearest' or 'linear', got '{mode}'.");
        if (!CoordinateModes.Contains(coordinateMode)) throw new ArgumentException($"OnnxResize: expected a coordinate mode in {string.Join(", ", CoordinateModes)}, got '{coordinateMode}'.");
        if (!NearestModes.Contains(nearestMode)) throw new ArgumentException($"OnnxResize: expected a nearest mode in {string.Join(", ", NearestModes)}, got '{nearestMode}'.");
        Size = size; Scales = scales; Mode = mode; CoordinateMode = coordinateMode; NearestMode = nearestMode;
    }

    public int[] Size { get; }
    public (double Rows, double Cols) Scales { get; }
    public string Mode { get; }
    public string CoordinateMode { get; }
    public string NearestMode { get; }

    public override void Build(int?[] inputShape)
    {
        if (inputShape.Length != 4 || inputShape[1] is null || inputShape[2] is null)
            throw new ArgumentException($"{Describe()}: expected a rank-4 input with known rows and columns, got {FormatShape(inputShape)}.");
        _tables = [Table(inputShape[1]!.Value, 0), Table(inputShape[2]!.Value, 1)];
        base.Build(inputShape);
    }

    /// <summary>For each output index along one axis: the input indices and the weight of the second.</summary>
    private (int[] Low, int[] High, Tensor? Weight) Table(int n, int axis)
    {
        int m = Size[axis];
        double scale = axis == 0 ? Scales.Rows : Scales.Cols;
        var low = new int[m]; var high = new int[m]; var weight = new float[m];
        for (int i = 0; i < m; i++)
        {
            double x = CoordinateMode switch
            {
                "half_pixel" => (i + 0.5) / scale - 0.5,
                "pytorch_half_pixel" => m > 1 ? (i + 0.5) / scale - 0.5 : 0,
                "align_corners" => m > 1 ? i * (n - 1) / (double)(m - 1) : 0,
                "tf_half_pixel_for_nn" => (i + 0.5) / scale,
                _ => i / (double)scale,
            };
            if (Mode == "nearest")
            {
                double r = NearestMode switch
                {
                    "round_prefer_floor" => Math.Ceiling(x - 0.5),
                    "round_prefer_ceil" => Math.Floor(x + 0.5),
                    "floor" => Math.Floor(x),
                    _ => Math.Ceiling(x),
                };
                low[i] = high[i] = (int)Math.Clamp(r, 0, n - 1);
            }
            else
            {
                x = Math.Clamp(x, 0, n - 1);
                low[i] = (int)Math.Floor(x);
                high[i] = Math.Min(low[i] + 1, n - 1);
                weight[i] = (float)(x - low[i]);
            }
        }
        int[] shape = axis == 0 ? [1, m, 1, 1] : [1, 1, m, 1];
        return (low, high, Mode == "linear" ? Tensor.FromArray(weight, shape) : null);
    }

    protected override Tensor Forward(Tensor x, bool training)
    {
        for (int axis = 0; axis < 2; axis++)
        {
            var (low, high, weight) = _tables![axis];
            var a = Ops.Gather(x, low, axis + 1);
            // Linear: a + w·(b − a), the blend of the two neighbours.
            x = weight is null ? a : Ops.Add(a, Ops.Multiply(Ops.Subtract(Ops.Gather(x, high, axis + 1), a), weight));
        }
        return x;
    }

    public override int?[] ComputeOutputShape(int?[] s) => [s[0], Size[0], Size[1], s[3]];

}
