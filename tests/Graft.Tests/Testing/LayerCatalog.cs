using Graft.Layers;
using Graft.Layers.Activations;
using Graft.Layers.Core;
using Graft.Layers.Preprocessing;
using Graft.Layers.Regularization;
using Graft.Layers.Reshaping;
using Graft.Initializers;
using Graft.Layers.Convolutional;
using Graft.Layers.Merging;
using Graft.Layers.Normalization;
using Graft.Layers.Pooling;
using Graft.Layers.Recurrent;

namespace Graft.Tests.Testing;

/// <summary>
/// Every public layer with a typical input shape (per sample). Generic tests run gradient checks,
/// shape inference and config round trips over it; a reflection test fails when a layer is missing.
/// </summary>
public static class LayerCatalog
{
    /// <param name="Onnx">False for a layer the ONNX exporter rejects with a NotSupportedException (the export test checks that it does).</param>
    public sealed record Entry(string Name, Func<Layer> Create, int[] SampleShape, bool SmoothAwayFromZero = false, int Inputs = 1, bool Distinct = false, int Ids = 0, bool Onnx = true)
    {
        public override string ToString() => Name;
    }

    public static readonly Entry[] All =
    [
        new("Dense", () => new Dense(4, activation: "tanh"), [5]),
        new("Dense_3d_input", () => new Dense(3, useBias: false), [2, 5]),
        new("EinsumDense", () => new EinsumDense("ab,bc->ac", 4, activation: "tanh", biasAxes: "c"), [3]),
        // -1: Keras's None, a size the input gives (output_shape=(None, heads, dim)).
        new("EinsumDense_heads", () => new EinsumDense("abc,cde->abde", [-1, 2, 2], biasAxes: "de"), [3, 4]),
        new("EinsumDense_two_contracted_axes", () => new EinsumDense("abcd,cde->abe", [-1, 5], biasAxes: "e"), [2, 3, 4]),
        new("EinsumDense_left_ellipsis", () => new EinsumDense("...b,bc->...c", 2), [2, 3]),
        new("EinsumDense_right_ellipsis", () => new EinsumDense("abc...,cd->abd...", [-1, 4], biasAxes: "d"), [2, 3, 2]),
        new("Activation", () => new Activation("softmax"), [6]),
        new("InputLayer", () => new InputLayer([3, 2]), [3, 2]),
        new("ReLU", () => new ReLU(maxValue: 0.6f, negativeSlope: 0.1f), [6], SmoothAwayFromZero: true),
        new("LeakyReLU", () => new LeakyReLU(), [6], SmoothAwayFromZero: true),
        new("PReLU", () => new PReLU(alphaInitializer: new Constant(0.25f), sharedAxes: [1]), [3, 4], SmoothAwayFromZero: true),
        new("ELU", () => new ELU(0.5f), [6]),
        new("ThresholdedReLU", () => new ThresholdedReLU(0.1), [6], SmoothAwayFromZero: true),
        new("Activation_glu", () => new Activation("glu"), [3, 4]),
        new("Activation_sparsemax", () => new Activation("sparsemax"), [5], Distinct: true),
        new("Activation_mish", () => new Activation("mish"), [6]),
        new("Softmax", () => new Softmax(), [5]),
        new("Dropout", () => new Dropout(0.5f, seed: 1), [6]),
        new("StochasticDepth", () => new StochasticDepth(0.3), [3, 2]),
        new("LayerScale", () => new LayerScale(0.5, 3), [2, 3]),
        new("GaussianNoise", () => new GaussianNoise(0.1f, seed: 1), [6]),
        new("Flatten", () => new Flatten(), [2, 3, 2]),
        new("Reshape", () => new Reshape([3, -1]), [6]),
        new("Rescaling", () => new Rescaling(1f / 255, 0.5f), [4]),
        new("Normalization", () => new Normalization(axis: [], mean: [1.5f], variance: [4f]), [2, 4]),
        new("Resizing", () => new Resizing(3, 5), [4, 3, 2]),
        new("Resizing_bicubic_channels_first", () => new Resizing(5, 2, "bicubic", dataFormat: "channels_first"), [2, 3, 4]),
        new("CenterCrop", () => new CenterCrop(2, 3), [4, 4, 2]),
        new("RandomCrop", () => new RandomCrop(3, 2, seed: 1), [4, 4, 2]),
        new("RandomFlip", () => new RandomFlip(seed: 1), [3, 4, 2]),
        new("RandomRotation", () => new RandomRotation(0.2, seed: 1), [3, 4, 2]),
        new("RandomZoom", () => new RandomZoom(0.2, seed: 1), [3, 4, 2]),
        new("RandomTranslation", () => new RandomTranslation(0.2, 0.1, seed: 1), [3, 4, 2]),
        new("RandomContrast", () => new RandomContrast(0.3, seed: 1), [3, 4, 2]),
        new("RandomBrightness", () => new RandomBrightness(0.2, valueRange: (0f, 1f), seed: 1), [3, 4, 2]),
        new("Conv2D", () => new Conv2D(3, [3, 2], strides: [2, 1], padding: "same", activation: "tanh"), [5, 4, 2]),
        new("Conv2D_channels_first_dilated", () => new Conv2D(2, [2, 2], dataFormat: "channels_first", dilationRate: [2, 1]), [2, 5, 4]),
        new("Conv2D_groups", () => new Conv2D(4, [3, 3], groups: 2, useBias: false), [5, 5, 4]),
        new("Conv1D_causal", () => new Conv1D(3, 3, padding: "causal", dilationRate: 2), [6, 2]),
        new("Conv1D_strided_same", () => new Conv1D(2, 2, strides: 2, padding: "same"), [7, 3]),
        new("DepthwiseConv2D", () => new DepthwiseConv2D([3, 3], padding: "same", depthMultiplier: 2), [4, 4, 2]),
        new("SeparableConv2D", () => new SeparableConv2D(3, [2, 2], strides: [2, 2]), [4, 4, 2]),
        new("Conv2DTranspose", () => new Conv2DTranspose(2, [3, 3], strides: [2, 2], padding: "same"), [3, 3, 2]),
        new("DepthwiseConv1D", () => new DepthwiseConv1D(3, padding: "same", depthMultiplier: 2), [5, 2]),
        new("DepthwiseConv1D_strided_channels_first", () => new DepthwiseConv1D(2, strides: 2, dataFormat: "channels_first", activation: "tanh"), [2, 5]),
        new("Conv1DTranspose", () => new Conv1DTranspose(3, 3, strides: 2, activation: "tanh"), [4, 2]),
        new("Conv1DTranspose_same_channels_first", () => new Conv1DTranspose(2, 2, strides: 3, padding: "same", dataFormat: "channels_first"), [2, 4]),
        new("Conv1DTranspose_output_padding", () => new Conv1DTranspose(2, 3, strides: 3, outputPadding: 2), [3, 2]),
        new("Conv2DTranspose_output_padding_same", () => new Conv2DTranspose(2, [3, 2], strides: [2, 3], padding: "same", outputPadding: [1, 2]), [3, 3, 2]),
        new("SeparableConv1D", () => new SeparableConv1D(3, 3, padding: "same", depthMultiplier: 2), [5, 2]),
        new("SeparableConv1D_strided_channels_first", () => new SeparableConv1D(2, 2, strides: 2, dataFormat: "channels_first", activation: "tanh"), [2, 5]),
        new("Conv3D", () => new Conv3D(2, [2, 2, 2], strides: [2, 1, 1], padding: "same"), [3, 3, 2, 2]),
        new("Conv3D_dilated_channels_first", () => new Conv3D(2, 2, dilationRate: [2, 1, 1], dataFormat: "channels_first", activation: "tanh"), [2, 3, 3, 2]),
        new("Conv3D_groups", () => new Conv3D(4, 2, groups: 2), [2, 2, 2, 4]),
        new("Conv3DTranspose", () => new Conv3DTranspose(2, [2, 3, 2], strides: [2, 1, 2], padding: "same"), [2, 2, 2, 2]),
        new("Conv3DTranspose_output_padding_channels_first", () => new Conv3DTranspose(2, 2, strides: [2, 3, 2], outputPadding: [1, 2, 0], dataFormat: "channels_first"), [2, 2, 2, 2]),
        new("MaxPooling2D", () => new MaxPooling2D([2, 2], padding: "same"), [5, 5, 2], Distinct: true),
        new("AveragePooling2D", () => new AveragePooling2D([2, 2], strides: [1, 1]), [4, 4, 2]),
        new("MaxPooling1D", () => new MaxPooling1D(2), [6, 3], Distinct: true),
        new("AveragePooling1D", () => new AveragePooling1D(3, 1, "same"), [5, 2]),
        new("GlobalAveragePooling2D", () => new GlobalAveragePooling2D(), [3, 3, 2]),
        new("GlobalMaxPooling2D", () => new GlobalMaxPooling2D(keepdims: true), [3, 3, 2], Distinct: true),
        new("GlobalAveragePooling1D", () => new GlobalAveragePooling1D(), [4, 3]),
        new("GlobalMaxPooling1D", () => new GlobalMaxPooling1D(), [4, 3], Distinct: true),
        new("MaxPooling3D", () => new MaxPooling3D((2, 2, 1), padding: "same"), [3, 3, 2, 2], Distinct: true),
        new("MaxPooling3D_channels_first_strided", () => new MaxPooling3D(2, strides: (1, 2, 1), dataFormat: "channels_first"), [2, 3, 4, 3], Distinct: true),
        new("AveragePooling3D", () => new AveragePooling3D((2, 3, 2), strides: 1), [3, 4, 3, 2]),
        new("AveragePooling3D_same", () => new AveragePooling3D(2, padding: "same"), [3, 3, 3, 1]),
        new("GlobalAveragePooling3D", () => new GlobalAveragePooling3D(), [2, 3, 2, 2]),
        new("GlobalMaxPooling3D", () => new GlobalMaxPooling3D("channels_first", keepdims: true), [2, 3, 2, 2], Distinct: true),
        new("BatchNormalization", () => new BatchNormalization(momentum: 0.9f), [3, 4]),
        new("ZeroPadding2D", () => new ZeroPadding2D(((0, 1), (2, 1))), [2, 3, 1]),
        new("Cropping2D", () => new Cropping2D(((1, 0), (1, 1))), [4, 4, 2]),
        new("UpSampling2D", () => new UpSampling2D((2, 3)), [2, 2, 1]),
        new("UpSampling2D_bilinear_channels_first", () => new UpSampling2D((2, 3), "channels_first", "bilinear"), [2, 3, 2]),
        new("UpSampling1D", () => new UpSampling1D(3), [2, 3]),
        new("UpSampling3D", () => new UpSampling3D((1, 2, 3)), [2, 2, 2, 1]),
        new("UpSampling3D_channels_first", () => new UpSampling3D(2, "channels_first"), [2, 2, 1, 2]),
        new("ZeroPadding1D", () => new ZeroPadding1D((1, 2)), [3, 2]),
        new("ZeroPadding1D_channels_first", () => new ZeroPadding1D(2, "channels_first"), [2, 3]),
        new("ZeroPadding3D", () => new ZeroPadding3D(((0, 1), (2, 0), (1, 1))), [2, 2, 3, 1]),
        new("ZeroPadding3D_channels_first", () => new ZeroPadding3D((1, 0, 2), "channels_first"), [2, 2, 2, 1]),
        new("Cropping1D", () => new Cropping1D((1, 2)), [5, 2]),
        new("Cropping3D", () => new Cropping3D(((1, 0), (0, 1), (1, 1))), [3, 3, 4, 2]),
        new("Cropping3D_channels_first", () => new Cropping3D((1, 0, 0), "channels_first"), [2, 3, 2, 2]),
        new("Identity", () => new Identity(), [4, 2]),
        new("SpatialDropout2D", () => new SpatialDropout2D(0.5f, seed: 1), [3, 3, 2]),
        new("SpatialDropout1D", () => new SpatialDropout1D(0.5, seed: 1), [3, 2]),
        new("SpatialDropout3D", () => new SpatialDropout3D(0.5, "channels_first", seed: 1), [2, 2, 2, 2]),
        new("GaussianDropout", () => new GaussianDropout(0.3, seed: 1), [6]),
        new("AlphaDropout", () => new AlphaDropout(0.2, seed: 1), [6]),
        new("ActivityRegularization", () => new ActivityRegularization(0.01, 0.02), [6]),
        new("Permute", () => new Permute([2, 1]), [3, 4]),
        new("RepeatVector", () => new RepeatVector(3), [4]),
        new("Add", () => new Add(), [3, 4], Inputs: 2),
        new("Subtract", () => new Subtract(), [5], Inputs: 2),
        new("Multiply", () => new Multiply(), [2, 3], Inputs: 3),
        new("Average", () => new Average(), [4], Inputs: 2),
        new("Maximum", () => new Maximum(), [4], Inputs: 2, Distinct: true),
        new("Minimum", () => new Minimum(), [4], Inputs: 2, Distinct: true),
        new("Concatenate", () => new Concatenate(axis: 1), [2, 3], Inputs: 2),
        new("Dot", () => new Dot(-1), [5], Inputs: 2),
        new("Dot_normalize_sequences", () => new Dot((2, 2), normalize: true), [3, 4], Inputs: 2),
        new("Embedding", () => new Embedding(6, 3), [4], Ids: 6),
        new("Masking", () => new Masking(0.25f), [3, 2]),
        new("OperationLayer_mean", () => new OperationLayer("mean", System.Text.Json.Nodes.JsonNode.Parse("""{"args": [{"tensor": 0}], "kwargs": {"axis": [1], "keepdims": true}}""")!.AsObject()), [3, 2]),
        new("OperationLayer_hard_swish_part", () => new OperationLayer("multiply", System.Text.Json.Nodes.JsonNode.Parse("""{"args": [{"tensor": 0}, 0.16666667], "kwargs": {}}""")!.AsObject()), [4]),
        new("SimpleRNN", () => new SimpleRNN(3, returnSequences: true), [4, 2]),
        new("LSTM", () => new LSTM(3), [4, 2]),
        new("LSTM_sequences_fused_backwards", () => new LSTM(2, returnSequences: true, goBackwards: true), [3, 2]),
        new("LSTM_backwards_sequences", () => new LSTM(2, returnSequences: true, goBackwards: true, recurrentActivation: "hard_sigmoid_keras2"), [3, 2]),
        new("GRU", () => new GRU(3), [4, 2]),
        new("GRU_reset_before", () => new GRU(2, resetAfter: false, returnSequences: true), [3, 2]),
        new("RNN_lstm_cell_sequences", () => new RNN(new LSTMCell(3), returnSequences: true), [4, 2]),
        new("RNN_stacked_cells_backwards", () => new RNN(new StackedRNNCells([new GRUCell(2), new SimpleRNNCell(3)]), goBackwards: true), [3, 2]),
        new("RNN_gru_cell_reset_before_zero_masked_output", () => new RNN(new GRUCell(2, resetAfter: false), returnSequences: true, zeroOutputForMask: true), [3, 2]),
        // ConvLSTM: (steps, …spatial, channels); the exporter rejects convolutional recurrences.
        new("ConvLSTM1D_same_sequences", () => new ConvLSTM1D(2, 3, padding: "same", returnSequences: true), [3, 4, 2], Onnx: false),
        new("ConvLSTM2D", () => new ConvLSTM2D(2, (2, 2)), [2, 3, 3, 1], Onnx: false),
        new("ConvLSTM2D_strided_backwards_sequences", () => new ConvLSTM2D(2, 2, strides: (2, 1), goBackwards: true, returnSequences: true), [2, 3, 3, 2], Onnx: false),
        new("ConvLSTM2D_dilated_same_hard_sigmoid", () => new ConvLSTM2D(2, 2, padding: "same", dilationRate: 2, recurrentActivation: "hard_sigmoid", unitForgetBias: false), [2, 3, 3, 1], SmoothAwayFromZero: true, Onnx: false),
        new("ConvLSTM3D_same", () => new ConvLSTM3D(2, 2, padding: "same"), [2, 2, 3, 2, 1], Onnx: false),
        new("SimpleRNNCell", () => new SimpleRNNCell(3), [2]),
        new("LSTMCell", () => new LSTMCell(3, recurrentActivation: "hard_sigmoid"), [2], SmoothAwayFromZero: true),
        new("GRUCell", () => new GRUCell(2), [3]),
        new("StackedRNNCells", () => new StackedRNNCells([new LSTMCell(2), new GRUCell(3, resetAfter: false)]), [2]),
        new("LayerNormalization", () => new LayerNormalization(), [3, 4]),
        new("LayerNormalization_two_axes", () => new LayerNormalization([1, -1], center: false), [3, 2, 4]),
        new("LayerNormalization_middle_axis", () => new LayerNormalization(-2, gammaInitializer: new RandomNormal(1f, 0.5f), betaInitializer: new RandomNormal(0f, 0.5f)), [3, 4]),
        new("GroupNormalization", () => new GroupNormalization(2, gammaInitializer: new RandomNormal(1f, 0.5f), betaInitializer: new RandomNormal(0f, 0.5f)), [3, 2, 4]),
        new("GroupNormalization_instance_channels_first", () => new GroupNormalization(-1, axis: 1, scale: false), [3, 4, 2]),
        new("UnitNormalization", () => new UnitNormalization(), [3, 4]),
        new("UnitNormalization_two_axes", () => new UnitNormalization([1, 2]), [3, 4]),
        new("Bidirectional_concat_sequences", () => new Graft.Layers.Wrappers.Bidirectional(new LSTM(2, returnSequences: true)), [3, 2]),
        new("Bidirectional_ave_gru", () => new Graft.Layers.Wrappers.Bidirectional(new GRU(2), "ave"), [3, 2]),
        new("Bidirectional_rnn_gru_cell_sequences", () => new Graft.Layers.Wrappers.Bidirectional(new RNN(new GRUCell(2), returnSequences: true)), [3, 2]),
        // ONNX export runs an RNN's one cell as a recurrent layer; a stack inside a Bidirectional is rejected by name.
        new("Bidirectional_sum_rnn_stacked_cells", () => new Graft.Layers.Wrappers.Bidirectional(new RNN(new StackedRNNCells([new LSTMCell(2), new SimpleRNNCell(2)])), "sum"), [3, 2], Onnx: false),
        new("Bidirectional_concat_convlstm2d_sequences", () => new Graft.Layers.Wrappers.Bidirectional(new ConvLSTM2D(2, 2, returnSequences: true)), [2, 3, 3, 1], Onnx: false),
        new("TimeDistributed", () => new Graft.Layers.Wrappers.TimeDistributed(new Dense(2, activation: "tanh")), [3, 4]),
        new("Attention", () => new Graft.Layers.Attention.Attention(useScale: true), [3, 4], Inputs: 2),
        new("Attention_concat_scaled", () => new Graft.Layers.Attention.Attention(useScale: true, scoreMode: "concat"), [3, 4], Inputs: 2),
        new("AdditiveAttention", () => new Graft.Layers.Attention.AdditiveAttention(), [3, 4], Inputs: 2),
        new("MultiHeadAttention", () => new Graft.Layers.Attention.MultiHeadAttention(2, 3, valueDim: 2, outputShape: 5), [3, 4], Inputs: 2),
    ];

    public static IEnumerable<object[]> Cases => All.Select(e => new object[] { e });
}
