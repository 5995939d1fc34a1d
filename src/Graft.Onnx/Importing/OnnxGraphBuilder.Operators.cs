namespace Graft.Onnx.Importing;

internal sealed partial class OnnxGraphBuilder
{
    /// <summary>The operators Graft imports (ONNX's default domain, opsets 7 to 21).</summary>
    public static readonly string[] SupportedOperators =
    [
        "Conv", "ConvTranspose", "BatchNormalization", "MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool", "LRN", "Pad",
        "Resize", "Upsample", "Relu", "LeakyRelu", "PRelu", "Elu", "Clip", "Sigmoid", "HardSigmoid", "HardSwish", "Tanh", "Softmax",
        "LogSoftmax", "Erf", "Sqrt", "Exp", "Log", "Abs", "Neg", "Reciprocal", "Add", "Sub", "Mul", "Div", "Pow", "Sum", "Max", "Min",
        "MatMul", "Gemm", "Flatten", "Reshape", "Transpose", "Concat", "Split", "Slice", "Squeeze", "Unsqueeze", "Dropout",
        "Identity", "Constant", "ConstantOfShape", "Shape", "Gather", "ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin", "Cast",
    ];

    private void Convert(global::Onnx.NodeProto node)
    {
        switch (node.OpType)
        {
            case "Conv": Conv(); break;
            case "ConvTranspose": ConvTranspose(); break;
            case "BatchNormalization": BatchNormalization(); break;
            case "MaxPool": Pool(max: true); break;
            case "AveragePool": Pool(max: false); break;
            case "GlobalAveragePool": GlobalPool(max: false); break;
            case "GlobalMaxPool": GlobalPool(max: true); break;
            case "LRN": Lrn(); break;
            case "Pad": Pad(); break;
            case "Resize" or "Upsample": Resize(); break;
            case "Relu" or "LeakyRelu" or "PRelu" or "Elu" or "Clip" or "Sigmoid" or "HardSigmoid" or "HardSwish" or "Tanh"
                or "Erf" or "Sqrt" or "Exp" or "Log" or "Abs" or "Neg" or "Reciprocal": Unary(); break;
            case "Softmax" or "LogSoftmax": Softmax(); break;
            case "Add" or "Sub" or "Mul" or "Div" or "Pow" or "Sum" or "Max" or "Min": Elementwise(); break;
            case "MatMul": MatMul(); break;
            case "Gemm": Gemm(); break;
            case "Flatten": Flatten(); break;
            case "Reshape": Reshape(); break;
            case "Transpose": Transpose(); break;
            case "Concat": Concat(); break;
            case "Split": Split(); break;
            case "Slice": Slice(); break;
            case "Squeeze" or "Unsqueeze": SqueezeOrUnsqueeze(); break;
            case "Dropout": Dropout(); break;
            case "Identity": Output(Input(0)); break;
            case "Constant": Constant(); break;
            case "ConstantOfShape": ConstantOfShape(); break;
            case "Shape": ShapeOf(); break;
            case "Gather": Gather(); break;
            case "ReduceMean" or "ReduceSum" or "ReduceMax" or "ReduceMin": Reduce(); break;
            case "Cast": Cast(); break;
            default:
                throw new NotSupportedException($"{Subject}: expected an operator Graft imports ({string.Join(", ", SupportedOperators)}), got {node.OpType}.");
        }
    }
}
