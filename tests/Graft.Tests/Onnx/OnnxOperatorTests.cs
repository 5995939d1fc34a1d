using Onnx;
using static Graft.Tests.Onnx.OnnxGraphs;

namespace Graft.Tests.Onnx;

/// <summary>
/// Each operator Graft imports, in a small graph built here, against ONNX Runtime on random inputs: the
/// attributes that change the arithmetic (pads, groups, ceil_mode, count_include_pad, coordinate modes)
/// and the layout (NCHW outside, channels-last inside: a Flatten or Reshape after a convolution sees
/// ONNX's order).
/// </summary>
public class OnnxOperatorTests
{
    private static readonly int[] Image = [1, 3, 6, 6];

    private sealed record Case(int Opset, int[] Input, NodeProto[] Nodes, TensorProto[] Initializers, float Lo = -1f, float Hi = 1f);

    private static Case C(int opset, int[] input, NodeProto[] nodes, params TensorProto[] inits) => new(opset, input, nodes, inits);

    private static NodeProto N(string op, string[] ins, string output = "y", params AttributeProto[] attrs) => Node(op, ins, [output], attrs);

    private static readonly Dictionary<string, Func<Case>> Cases = new()
    {
        // Convolutions
        ["conv_asymmetric_pads_stride"] = () => C(13, [1, 3, 9, 9], [N("Conv", ["x", "w", "b"], "y", Attr("pads", 1L, 0, 2, 1), Attr("strides", 2L, 2))], Weight("w", [4, 3, 3, 3], 2), Weight("b", [4], 3)),
        ["conv_symmetric_pads_as_same"] = () => C(13, [1, 3, 8, 8], [N("Conv", ["x", "w"], "y", Attr("pads", 1L, 1, 1, 1))], Weight("w", [5, 3, 3, 3], 2)),
        ["conv_groups"] = () => C(13, [1, 4, 8, 8], [N("Conv", ["x", "w", "b"], "y", Attr("group", 2L), Attr("pads", 1L, 1, 1, 1))], Weight("w", [6, 2, 3, 3], 2), Weight("b", [6], 3)),
        ["conv_depthwise_dilated"] = () => C(13, [1, 4, 9, 9], [N("Conv", ["x", "w", "b"], "y", Attr("group", 4L), Attr("dilations", 2L, 2), Attr("pads", 2L, 2, 2, 2))], Weight("w", [8, 1, 3, 3], 2), Weight("b", [8], 3)),
        ["conv_auto_pad_same_upper"] = () => C(11, [1, 3, 7, 7], [N("Conv", ["x", "w"], "y", Attr("auto_pad", "SAME_UPPER"), Attr("strides", 2L, 2))], Weight("w", [5, 3, 4, 4], 2)),
        ["conv_auto_pad_same_lower"] = () => C(11, [1, 3, 7, 7], [N("Conv", ["x", "w"], "y", Attr("auto_pad", "SAME_LOWER"), Attr("strides", 2L, 2))], Weight("w", [5, 3, 4, 4], 2)),
        ["conv_transpose"] = () => C(13, [1, 4, 5, 5], [N("ConvTranspose", ["x", "w", "b"], "y", Attr("strides", 2L, 2), Attr("pads", 1L, 1, 1, 1), Attr("output_padding", 1L, 1))], Weight("w", [4, 3, 3, 3], 2), Weight("b", [3], 3)),
        ["batch_normalization_opset9"] = () => C(9, Image, [N("BatchNormalization", ["x", "s", "b", "m", "v"], "y", Attr("epsilon", 1e-3f))], Weight("s", [3], 2), Weight("b", [3], 3), Weight("m", [3], 4), Weight("v", [3], 5, 0.5f, 2f)),
        ["batch_normalization_opset15"] = () => C(15, Image, [N("BatchNormalization", ["x", "s", "b", "m", "v"])], Weight("s", [3], 2), Weight("b", [3], 3), Weight("m", [3], 4), Weight("v", [3], 5, 0.5f, 2f)),
        // Activations
        ["relu"] = () => C(13, Image, [N("Relu", ["x"])]),
        ["leaky_relu"] = () => C(13, Image, [N("LeakyRelu", ["x"], "y", Attr("alpha", 0.1f))]),
        ["prelu_per_channel"] = () => C(13, Image, [N("PRelu", ["x", "s"])], Weight("s", [3, 1, 1], 2)),
        ["elu"] = () => C(13, Image, [N("Elu", ["x"], "y", Attr("alpha", 0.7f))]),
        ["sigmoid"] = () => C(13, Image, [N("Sigmoid", ["x"])]),
        ["hard_sigmoid"] = () => C(13, Image, [N("HardSigmoid", ["x"], "y", Attr("alpha", 0.3f), Attr("beta", 0.4f))]),
        ["hard_swish"] = () => C(14, Image, [N("HardSwish", ["x"])]) with { Lo = -5f, Hi = 5f },
        ["tanh"] = () => C(13, Image, [N("Tanh", ["x"])]),
        ["erf"] = () => C(13, Image, [N("Erf", ["x"])]) with { Lo = -3f, Hi = 3f },
        ["sqrt"] = () => C(13, Image, [N("Sqrt", ["x"])]) with { Lo = 0.1f, Hi = 4f },
        ["exp"] = () => C(13, Image, [N("Exp", ["x"])]),
        ["log_abs_neg_reciprocal"] = () => C(13, Image, [N("Abs", ["x"], "a"), N("Add", ["a", "c"], "p"), N("Log", ["p"], "l"), N("Neg", ["l"], "n"), N("Reciprocal", ["p"], "r"), N("Add", ["n", "r"])], Floats("c", [], [0.5f])),
        ["clip_attributes_opset7"] = () => C(7, Image, [N("Clip", ["x"], "y", Attr("min", -0.5f), Attr("max", 0.4f))]),
        ["clip_inputs_relu6_like"] = () => C(13, Image, [N("Clip", ["x", "lo", "hi"])], Floats("lo", [], [0f]), Floats("hi", [], [0.6f])),
        ["clip_min_only"] = () => C(13, Image, [N("Clip", ["x", "lo"])], Floats("lo", [], [-0.3f])),
        ["softmax_opset11_flattens"] = () => C(11, Image, [N("Softmax", ["x"], "y", Attr("axis", 1L))]),
        ["softmax_opset13_channels"] = () => C(13, Image, [N("Softmax", ["x"], "y", Attr("axis", 1L))]),
        ["log_softmax"] = () => C(13, [2, 5], [N("LogSoftmax", ["x"])]),
        // Arithmetic with constants and between computed values
        ["add_per_channel_constant"] = () => C(13, Image, [N("Add", ["x", "c"])], Weight("c", [3, 1, 1], 2)),
        ["sub_constant_minus_x"] = () => C(13, Image, [N("Sub", ["c", "x"])], Weight("c", [1, 3, 6, 6], 2)),
        ["mul_scalar"] = () => C(13, Image, [N("Mul", ["x", "c"])], Floats("c", [], [2.5f])),
        ["div_by_row_constant"] = () => C(13, Image, [N("Div", ["x", "c"])], Weight("c", [6], 2, 0.5f, 2f)),
        ["pow_constant"] = () => C(13, Image, [N("Pow", ["x", "c"])], Floats("c", [], [2f])),
        ["max_min_constants"] = () => C(13, Image, [N("Max", ["x", "a"], "t"), N("Min", ["t", "b"])], Floats("a", [], [-0.2f]), Floats("b", [3, 1, 1], [0.1f, 0.3f, 0.5f])),
        ["add_sub_mul_computed"] = () => C(13, Image, [N("Relu", ["x"], "r"), N("Sigmoid", ["x"], "s"), N("Add", ["r", "s"], "a"), N("Sub", ["a", "x"], "b"), N("Mul", ["b", "s"])]),
        ["div_pow_computed"] = () => C(13, Image, [N("Sigmoid", ["x"], "s"), N("Exp", ["x"], "e"), N("Div", ["x", "s"], "d"), N("Pow", ["s", "e"], "p"), N("Add", ["d", "p"])]),
        ["sum_max_min_three"] = () => C(13, Image, [N("Relu", ["x"], "r"), N("Tanh", ["x"], "t"), N("Sum", ["x", "r", "t"], "s"), N("Max", ["s", "r", "t"], "m"), N("Min", ["m", "x", "s"])]),
        // Dense
        ["matmul_computed_operands"] = () => C(13, [2, 3, 4], [N("Relu", ["x"], "r"), N("Transpose", ["x"], "t", Attr("perm", 0L, 2, 1)), N("MatMul", ["r", "t"])]),
        ["matmul_computed_image"] = () => C(13, Image, [N("Sigmoid", ["x"], "s"), N("Transpose", ["x"], "t", Attr("perm", 0L, 1, 3, 2)), N("MatMul", ["s", "t"])]),
        ["matmul"] = () => C(13, [2, 6], [N("MatMul", ["x", "w"])], Weight("w", [6, 4], 2)),
        ["matmul_raw_data_weights"] = () => C(13, [2, 6], [N("MatMul", ["x", "w"])], RawFloats("w", [6, 4], 2)),
        ["gemm_trans_b_alpha_beta"] = () => C(13, [2, 6], [N("Gemm", ["x", "w", "c"], "y", Attr("transB", 1L), Attr("alpha", 0.5f), Attr("beta", 2f))], Weight("w", [4, 6], 2), Weight("c", [4], 3)),
        ["gemm_bias_row"] = () => C(9, [2, 6], [N("Gemm", ["x", "w", "c"])], Weight("w", [6, 4], 2), Weight("c", [1, 4], 3)),
        // Pooling
        ["max_pool_padded_negative_input"] = () => C(13, [1, 3, 7, 7], [N("MaxPool", ["x"], "y", Attr("kernel_shape", 3L, 3), Attr("strides", 2L, 2), Attr("pads", 1L, 1, 0, 0))]),
        ["max_pool_ceil_mode"] = () => C(13, [1, 3, 8, 8], [N("MaxPool", ["x"], "y", Attr("kernel_shape", 3L, 3), Attr("strides", 2L, 2), Attr("ceil_mode", 1L))]),
        ["max_pool_after_relu_padded"] = () => C(13, [1, 3, 8, 8], [N("Relu", ["x"], "r"), N("MaxPool", ["r"], "y", Attr("kernel_shape", 3L, 3), Attr("strides", 2L, 2), Attr("pads", 1L, 1, 1, 1))]),
        ["max_pool_same_upper"] = () => C(11, [1, 3, 7, 7], [N("MaxPool", ["x"], "y", Attr("kernel_shape", 2L, 2), Attr("strides", 2L, 2), Attr("auto_pad", "SAME_UPPER"))]),
        ["average_pool_exclude_pad"] = () => C(13, [1, 3, 7, 7], [N("AveragePool", ["x"], "y", Attr("kernel_shape", 3L, 3), Attr("strides", 2L, 2), Attr("pads", 1L, 0, 1, 1))]),
        ["average_pool_include_pad"] = () => C(13, [1, 3, 7, 7], [N("AveragePool", ["x"], "y", Attr("kernel_shape", 3L, 3), Attr("pads", 1L, 1, 1, 1), Attr("count_include_pad", 1L))]),
        ["average_pool_ceil_mode"] = () => C(13, [1, 3, 8, 8], [N("AveragePool", ["x"], "y", Attr("kernel_shape", 3L, 3), Attr("strides", 2L, 2), Attr("pads", 1L, 1, 1, 1), Attr("ceil_mode", 1L), Attr("count_include_pad", 1L))]),
        ["average_pool_same_exclude_pad"] = () => C(13, [1, 3, 7, 7], [N("AveragePool", ["x"], "y", Attr("kernel_shape", 3L, 3), Attr("pads", 1L, 1, 1, 1))]),
        ["classifier_tail_pool_flatten_gemm"] = () => C(13, Image, [N("Conv", ["x", "w"], "c"), N("GlobalAveragePool", ["c"], "g"), N("Flatten", ["g"], "f"), N("Gemm", ["f", "d", "b"], "l", Attr("transB", 1L)), N("Softmax", ["l"])],
            Weight("w", [8, 3, 3, 3], 2), Weight("d", [10, 8], 3), Weight("b", [10], 4)),
        ["average_pool_plain"] = () => C(7, [1, 3, 8, 8], [N("AveragePool", ["x"], "y", Attr("kernel_shape", 2L, 2), Attr("strides", 2L, 2))]),
        ["global_average_pool"] = () => C(13, Image, [N("GlobalAveragePool", ["x"])]),
        ["global_max_pool"] = () => C(13, Image, [N("GlobalMaxPool", ["x"])]),
        ["lrn"] = () => C(13, [1, 5, 4, 4], [N("LRN", ["x"], "y", Attr("size", 3L), Attr("alpha", 0.5f), Attr("beta", 0.75f), Attr("bias", 2f))]),
        // Layout and shape arithmetic
        ["conv_flatten_gemm_sees_nchw_order"] = () => C(13, Image, [N("Conv", ["x", "w"], "c", Attr("pads", 1L, 1, 1, 1)), N("Flatten", ["c"], "f"), N("Gemm", ["f", "g"], "y", Attr("transB", 1L))], Weight("w", [2, 3, 3, 3], 2), Weight("g", [4, 72], 3)),
        ["reshape_from_folded_shape_arithmetic"] = () => C(13, Image, [
            N("Relu", ["x"], "r"), N("Shape", ["r"], "s"), N("Gather", ["s", "zero"], "n", Attr("axis", 0L)), N("Unsqueeze", ["n", "axes"], "n1"),
            N("Concat", ["n1", "minus1"], "shape", Attr("axis", 0L)), N("Reshape", ["r", "shape"])],
            Floats("unused", [1], [0f]), new TensorProto { Name = "zero", DataType = 7, Int64Data = { 0L } }, Longs("axes", 0), Longs("minus1", -1)),
        ["reshape_zero_and_minus_one"] = () => C(13, Image, [N("Conv", ["x", "w"], "c"), N("Reshape", ["c", "shape"])], Weight("w", [2, 3, 1, 1], 2), Longs("shape", 0, -1, 6)),
        ["transpose_to_nhwc_then_reshape"] = () => C(13, Image, [N("Conv", ["x", "w"], "c"), N("Transpose", ["c"], "t", Attr("perm", 0L, 2, 3, 1)), N("Reshape", ["t", "shape"])], Weight("w", [2, 3, 1, 1], 2), Longs("shape", 1, -1)),
        ["image_input_flattened_directly"] = () => C(13, [1, 3, 4, 4], [N("Flatten", ["x"], "f"), N("MatMul", ["f", "w"])], Weight("w", [48, 5], 2)),
        ["transpose_general"] = () => C(13, Image, [N("Transpose", ["x"], "y", Attr("perm", 0L, 3, 1, 2))]),
        ["concat_channels"] = () => C(13, Image, [N("Conv", ["x", "w"], "c"), N("Relu", ["x"], "r"), N("Concat", ["c", "r", "x"], "y", Attr("axis", 1L))], Weight("w", [2, 3, 1, 1], 2)),
        ["split_and_concat_opset13"] = () => C(13, Image, [Node("Split", ["x", "sizes"], ["a", "b"], Attr("axis", 1L)), N("Relu", ["b"], "rb"), N("Concat", ["rb", "a"], "y", Attr("axis", 1L))], Longs("sizes", 1, 2)),
        ["split_equal_opset11"] = () => C(11, Image, [Node("Split", ["x"], ["a", "b", "c"], Attr("axis", 2L)), N("Sub", ["a", "c"])]),
        ["slice_steps_opset13"] = () => C(13, [1, 3, 9, 9], [N("Slice", ["x", "starts", "ends", "axes", "steps"])], Longs("starts", 1, -8), Longs("ends", 100, 8), Longs("axes", 2, 3), Longs("steps", 2, 3)),
        ["slice_attributes_opset9"] = () => C(9, [1, 3, 9, 9], [N("Slice", ["x"], "y", Attr("starts", 1L, 2), Attr("ends", 3L, -1), Attr("axes", 1L, 3))]),
        ["squeeze_unsqueeze_opset13"] = () => C(13, Image, [N("GlobalAveragePool", ["x"], "g"), N("Squeeze", ["g", "axes"], "s"), N("Unsqueeze", ["s", "axes1"])], Longs("axes", 2, 3), Longs("axes1", 1)),
        ["squeeze_unsqueeze_opset11"] = () => C(11, Image, [N("ReduceMean", ["x"], "m", Attr("axes", new long[] { 2 }), Attr("keepdims", 1L)), N("Squeeze", ["m"], "s", Attr("axes", new long[] { 2 })), N("Unsqueeze", ["s"], "y", Attr("axes", new long[] { 3 }))]),
        ["pad_constant_value_opset11"] = () => C(11, Image, [N("Pad", ["x", "pads", "value"])], Longs("pads", 0, 1, 2, 0, 0, 0, 1, 3), Floats("value", [], [0.5f])),
        ["pad_reflect_spatial_opset11"] = () => C(11, Image, [N("Pad", ["x", "pads"], "y", Attr("mode", "reflect"))], Longs("pads", 0, 0, 2, 1, 0, 0, 1, 5)),
        ["pad_edge_channels_opset13"] = () => C(13, Image, [N("Pad", ["x", "pads"], "y", Attr("mode", "edge"))], Longs("pads", 0, 1, 3, 0, 0, 2, 0, 2)),
        ["pad_reflect_rank3_opset7"] = () => C(7, [2, 4, 5], [N("Pad", ["x"], "y", Attr("mode", "reflect"), Attr("pads", 0L, 1, 4, 0, 2, 3))]),
        ["conv_transpose_groups_dilations"] = () => C(13, [1, 4, 5, 5], [N("ConvTranspose", ["x", "w", "b"], "y", Attr("group", 2L), Attr("dilations", 2L, 2), Attr("strides", 2L, 2), Attr("pads", 1L, 0, 1, 2))], Weight("w", [4, 3, 3, 3], 2), Weight("b", [6], 3)),
        ["conv_transpose_depthwise_output_padding"] = () => C(13, [1, 3, 4, 4], [N("ConvTranspose", ["x", "w"], "y", Attr("group", 3L), Attr("strides", 3L, 3), Attr("output_padding", 1L, 0))], Weight("w", [3, 1, 2, 2], 2)),
        ["conv_1d_groups_dilated_pads"] = () => C(13, [2, 4, 11], [N("Conv", ["x", "w", "b"], "y", Attr("group", 2L), Attr("dilations", new long[] { 2 }), Attr("strides", new long[] { 2 }), Attr("pads", 2L, 1))], Weight("w", [6, 2, 3], 2), Weight("b", [6], 3)),
        ["conv_1d_same_upper_then_relu"] = () => C(11, [1, 4, 9], [N("Conv", ["x", "w"], "c", Attr("auto_pad", "SAME_UPPER"), Attr("strides", new long[] { 2 })), N("Relu", ["c"])], Weight("w", [5, 4, 4], 2)),
        ["max_pool_1d_pads"] = () => C(13, [1, 3, 10], [N("MaxPool", ["x"], "y", Attr("kernel_shape", new long[] { 3 }), Attr("strides", new long[] { 2 }), Attr("pads", 1L, 1))]),
        ["average_pool_1d_include_pad"] = () => C(13, [1, 3, 10], [N("AveragePool", ["x"], "y", Attr("kernel_shape", new long[] { 3 }), Attr("pads", 1L, 2), Attr("count_include_pad", 1L))]),
        ["average_pool_1d_same_upper"] = () => C(13, [1, 3, 9], [N("AveragePool", ["x"], "y", Attr("kernel_shape", new long[] { 4 }), Attr("strides", new long[] { 2 }), Attr("auto_pad", "SAME_UPPER"))]),
        ["pad_zero_spatial_opset7"] = () => C(7, Image, [N("Pad", ["x"], "y", Attr("pads", 0L, 0, 1, 2, 0, 0, 2, 1))]),
        ["resize_nearest_half_pixel"] = () => C(13, Image, [N("Resize", ["x", "", "scales"])], Floats("scales", [4], [1f, 1f, 2f, 3f])),
        ["resize_linear_half_pixel_sizes"] = () => C(13, Image, [N("Resize", ["x", "", "", "sizes"], "y", Attr("mode", "linear"))], Longs("sizes", 1, 3, 9, 4)),
        ["resize_linear_align_corners"] = () => C(13, Image, [N("Resize", ["x", "", "scales"], "y", Attr("mode", "linear"), Attr("coordinate_transformation_mode", "align_corners"))], Floats("scales", [4], [1f, 1f, 2f, 1.5f])),
        ["resize_nearest_asymmetric_round"] = () => C(13, Image, [N("Resize", ["x", "", "scales"], "y", Attr("coordinate_transformation_mode", "asymmetric"), Attr("nearest_mode", "round_prefer_ceil"))], Floats("scales", [4], [1f, 1f, 1.5f, 2.5f])),
        ["upsample_nearest_opset7"] = () => C(7, Image, [N("Upsample", ["x"], "y", Attr("scales", new[] { 1f, 1f, 2f, 2f }))]),
        ["upsample_linear_opset9"] = () => C(9, Image, [N("Upsample", ["x", "scales"], "y", Attr("mode", "linear"))], Floats("scales", [4], [1f, 1f, 2f, 2f])),
        ["reduce_mean_spatial_keepdims"] = () => C(13, Image, [N("ReduceMean", ["x"], "y", Attr("axes", 2L, 3))]),
        ["reduce_mean_channels_no_keepdims"] = () => C(13, Image, [N("ReduceMean", ["x"], "y", Attr("axes", new long[] { 1 }), Attr("keepdims", 0L))]),
        ["reduce_max_min_opset13"] = () => C(13, Image, [N("ReduceMax", ["x"], "a", Attr("axes", new long[] { 3 })), N("ReduceMin", ["x"], "b", Attr("axes", new long[] { 3 })), N("Sub", ["a", "b"])]),
        ["reduce_sum_axes_input_opset13"] = () => C(13, Image, [N("ReduceSum", ["x", "axes"], "y", Attr("keepdims", 1L))], Longs("axes", 1, 3)),
        ["gather_vector_and_scalar"] = () => C(13, [1, 5, 3], [N("Gather", ["x", "idx"], "g", Attr("axis", 1L)), N("Gather", ["g", "one"], "y", Attr("axis", 2L))], Longs("idx", 4, 0, -2), new TensorProto { Name = "one", DataType = 7, Int64Data = { 1L } }),
        ["dropout_identity_constant_cast"] = () => C(13, Image, [
            N("Dropout", ["x", "ratio"], "d"), N("Identity", ["d"], "i"), N("Constant", [], "k", Attr("value", Floats("", [3, 1, 1], [1f, 2f, 3f]))),
            N("Cast", ["i"], "f", Attr("to", 1L)), N("Mul", ["f", "k"])], Floats("ratio", [], [0.3f])),
        ["constant_of_shape_folds"] = () => C(13, Image, [N("ConstantOfShape", ["shape"], "k", Attr("value", Floats("", [1], [0.25f]))), N("Add", ["x", "k"])], Longs("shape", 3, 1, 1)),
    };

    /// <summary>Weights in raw_data (little-endian bytes), as PyTorch's exporter writes them.</summary>
    private static TensorProto RawFloats(string name, int[] dims, int seed)
    {
        var values = Random(dims.Aggregate(1, (a, d) => a * d), seed);
        var t = new TensorProto { Name = name, DataType = 1, RawData = Google.Protobuf.ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan())) };
        t.Dims.AddRange(dims.Select(d => (long)d));
        return t;
    }

    public static TheoryData<string> Names() => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(Names))]
    public void MatchesOnnxRuntime(string name)
    {
        var c = Cases[name]();
        var model = Model(c.Opset, c.Input, c.Nodes, c.Initializers);
        CheckAgainstOnnxRuntime(model, c.Input, seed: name.Length, lo: c.Lo, hi: c.Hi);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void RoundTripsThroughExport(string name)
    {
        // Import, export again, and run the export in ONNX Runtime: the layers import adds for operators
        // Keras lacks must come back out as ONNX operators that compute what Graft computes.
        var c = Cases[name]();
        var path = Save(Model(c.Opset, c.Input, c.Nodes, c.Initializers));
        try
        {
            var graft = Graft.Models.Model.Load(path);
            var x = Graft.Tensors.Tensor.FromArray(Random(c.Input.Aggregate(1, (a, d) => a * d), name.Length + 1, c.Lo, c.Hi), c.Input);
            ExportCheck.AssertMatches(graft, [x], $"round trip of '{name}'");
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void EveryListedOperatorHasACase()
    {
        var covered = Cases.Values.SelectMany(f => f().Nodes.Select(n => n.OpType)).ToHashSet();
        var missing = Graft.Onnx.Importing.OnnxGraphBuilder.SupportedOperators.Where(op => !covered.Contains(op)).ToList();
        Assert.True(missing.Count == 0, $"operators without a case: {string.Join(", ", missing)}");
    }
}
