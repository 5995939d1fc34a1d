using Graft.Activations;
using Graft.Layers;
using Graft.Layers.Core;
using Graft.Layers.Merging;
using Graft.Layers.Pooling;
using Graft.Layers.Recurrent;
using Graft.Layers.Wrappers;
using Graft.Models;
using Graft.Tensors;
using Graft.Tests.Testing;
using Graft.Layers.Activations;
using Graft.Layers.Convolutional;
using Graft.Layers.Normalization;
using Graft.Layers.Preprocessing;

namespace Graft.Tests.Onnx;

/// <summary>
/// Every layer of the catalog, and the cases no Keras fixture holds (masks, states, nested models,
/// unknown sizes), exported and run in ONNX Runtime against Graft's own prediction.
/// </summary>
public class OnnxExportLayerTests
{
    /// <summary>
    /// Fresh layers hold zero biases and unit statistics, which would hide a bias or a statistic
    /// exported in the wrong place: every weight gets random values (variances positive).
    /// </summary>
    internal static void Randomize(Model model, int seed = 5)
    {
        var g = new Generator(seed);
        foreach (var w in model.Weights)
        {
            var values = Enumerable.Range(0, w.Value.Size).Select(_ => 0.5f * g.NextNormal()).ToArray();
            if (w.Name == "moving_variance") values = values.Select(v => Math.Abs(v) + 0.5f).ToArray();
            w.Assign(w.Shape.Rank == 0 ? Tensor.Scalar(values[0]) : Tensor.FromArray(values, w.Shape.ToArray()));
        }
    }

    private static Tensor CatalogInput(LayerCatalog.Entry e, int index)
    {
        int[] shape = [3, .. e.SampleShape];
        int n = shape.Aggregate(1, (a, b) => a * b);
        int seed = 3 + 17 * index;
        if (e.Ids > 0) return Tensor.FromArray(Enumerable.Range(0, n).Select(i => (float)((i * 7 + seed) % e.Ids)).ToArray(), shape);
        // Distinct values keep max and min winners clear of rounding.
        if (e.Distinct) return Tensor.FromArray(new Generator(seed).Permutation(n).Select(v => v * 0.05f - n * 0.025f + 0.013f * index).ToArray(), shape);
        var g = new Generator(seed);
        return Tensor.FromArray(Enumerable.Range(0, n).Select(_ => g.NextNormal()).ToArray(), shape);
    }

    [Theory]
    [MemberData(nameof(LayerCatalog.Cases), MemberType = typeof(LayerCatalog))]
    public void EveryCatalogLayerMatchesOnnxRuntime(LayerCatalog.Entry e)
    {
        var layer = e.Create();
        Model model;
        if (layer is InputLayer input) model = new Model(input.Output, input.Output);
        else
        {
            var inputs = Enumerable.Range(0, e.Inputs).Select(i => Keras.Input(e.SampleShape, $"in{i}")).ToArray();
            var output = layer is Merge m ? m.Call(inputs) : layer.Call(inputs[0]);
            model = new Model(inputs, [output]);
        }
        Randomize(model);
        if (!e.Onnx)
        {
            // A layer the exporter does not build: a NotSupportedException naming it, not a wrong graph.
            var ex = Assert.Throws<NotSupportedException>(() => Graft.Onnx.OnnxExporter.ToBytes(model));
            Assert.Contains(layer.Name, ex.Message);
            return;
        }
        ExportCheck.AssertMatches(model, Enumerable.Range(0, e.Inputs).Select(i => CatalogInput(e, i)).ToArray(), e.Name);
    }

    public static IEnumerable<object[]> ActivationNames() => ActivationFunction.Names.Select(n => new object[] { n });

    [Theory]
    [MemberData(nameof(ActivationNames))]
    public void EveryActivationMatchesOnnxRuntime(string activation)
    {
        // An even number of units: glu halves the last axis.
        var model = new Sequential([new InputLayer([6]), new Dense(6, activation: activation)]);
        Randomize(model);
        ExportCheck.AssertMatches(model, ExportCheck.Inputs(model, 2), activation);
    }

    [Fact]
    public void ReluWithThresholdAndCeiling()
    {
        var model = new Sequential([new InputLayer([8]), new ReLU(maxValue: 1.5f, negativeSlope: 0.3f, threshold: 0.2f)]);
        ExportCheck.AssertMatches(model, ExportCheck.Inputs(model, 4), "ReLU");
    }

    /// <summary>Ids with padding (0) in the middle and at the end of each sequence: a mask that trailing sequence lengths cannot express.</summary>
    private static Tensor PaddedIds() => Tensor.FromArray(
    [
        3, 0, 5, 2, 0, 0,
        1, 4, 4, 0, 2, 0,
        0, 0, 6, 1, 3, 2,
    ], 3, 6);

    [Fact]
    public void EmbeddingMaskSkipsPaddingStepsInLstmAndGru()
    {
        var model = new Sequential([new InputLayer([6]), new Embedding(7, 4, maskZero: true), new LSTM(5, returnSequences: true),
            new GRU(3, resetAfter: false, returnSequences: true, goBackwards: true), new GlobalAveragePooling1D()]);
        Randomize(model);
        ExportCheck.AssertMatches(model, [PaddedIds()], "masked LSTM and GRU");
    }

    [Fact]
    public void MaskingReachesSimpleRnnBidirectionalAndTimeDistributed()
    {
        var x = Keras.Input([5, 3], "frames");
        var masked = new Masking(0f).Call(x);
        var both = new Bidirectional(new SimpleRNN(4, returnSequences: true)).Call(masked);
        var y = new TimeDistributed(new Dense(2)).Call(both);
        var last = new GRU(3).Call(masked);
        var model = new Model([x], [y, last]);
        Randomize(model);
        var input = ExportCheck.Inputs(model, 8)[0].ToArray();
        // Zero whole steps: the second and last of sample 0, the first two of sample 2.
        foreach (int step in new[] { 1, 4, 10, 11 }) Array.Clear(input, step * 3, 3);
        ExportCheck.AssertMatches(model, [Tensor.FromArray(input, 3, 5, 3)], "masked recurrent layers");
    }

    [Fact]
    public void RecurrentActivationsOutsideOnnxOperatorsRunAsScan()
    {
        var model = new Sequential([new InputLayer([4, 3]),
            new SimpleRNN(3, activation: "gelu", returnSequences: true, goBackwards: true),
            new LSTM(4, activation: "relu", recurrentActivation: "hard_sigmoid", returnSequences: true),
            new GRU(2, activation: "swish")]);
        Randomize(model);
        ExportCheck.AssertMatches(model, ExportCheck.Inputs(model, 6), "recurrent activations");
    }

    [Fact]
    public void InitialAndReturnedStates()
    {
        var x = Keras.Input([4, 3], "sequence");
        var h0 = Keras.Input([5], "h0");
        var c0 = Keras.Input([5], "c0");
        var outs = new LSTM(5, returnState: true, goBackwards: true).CallWithStates(x, [h0, c0]);
        var gru = new GRU(5, returnSequences: true, returnState: true).CallWithStates(x, [outs[1]]);
        var model = new Model([x, h0, c0], [outs[0], outs[2], gru[0], gru[1]]);
        Randomize(model);
        ExportCheck.AssertMatches(model, ExportCheck.Inputs(model, 7), "recurrent states");
    }

    [Fact]
    public void BidirectionalWithoutMergeGivesTwoOutputs()
    {
        var x = Keras.Input([4, 2], "sequence");
        var both = new Bidirectional(new GRU(3, returnSequences: true), mergeMode: null).CallBothDirections(x);
        var model = new Model([x], both);
        Randomize(model);
        ExportCheck.AssertMatches(model, ExportCheck.Inputs(model, 9), "Bidirectional merge_mode None");
    }

    [Fact]
    public void NestedModelWithNewHead()
    {
        var baseModel = new Sequential([new InputLayer([8, 8, 3]), new Conv2D(4, [3, 3], activation: "relu"), new MaxPooling2D([2, 2])], name: "base");
        var x = Keras.Input([8, 8, 3], "image");
        var features = new GlobalAveragePooling2D().Call(baseModel.Call(x, training: false));
        var model = new Model(x, new Dense(3, activation: "softmax", name: "head").Call(features));
        Randomize(model);
        ExportCheck.AssertMatches(model, ExportCheck.Inputs(model, 10), "nested model");
    }

    [Fact]
    public void UnknownSpatialSizesUseSamePaddingAtRunTime()
    {
        // Input (None, None, 2): "same" pads are computed by ONNX Runtime from the actual size.
        var x0 = Keras.Input([-1, -1, 2], "image");
        var y = new Conv2D(3, [3, 3], strides: [2, 2], padding: "same").Call(x0);
        y = new DepthwiseConv2D([2, 2], padding: "same").Call(y);
        y = new MaxPooling2D([3, 3], strides: [2, 2], padding: "same").Call(y);
        y = new AveragePooling2D([2, 2], padding: "same").Call(y);
        y = new Conv2D(2, [1, 1], strides: [2, 2], padding: "same").Call(y);
        var model = new Model(x0, y);
        Randomize(model);
        var g = new Generator(12);
        var x = Tensor.FromArray(Enumerable.Range(0, 2 * 11 * 7 * 2).Select(_ => g.NextNormal()).ToArray(), 2, 11, 7, 2);
        ExportCheck.AssertMatches(model, [x], "unknown spatial sizes");
    }

    [Fact]
    public void ASharedLayerWritesItsWeightsOnce()
    {
        var a = Keras.Input([4], "left");
        var b = Keras.Input([4], "right");
        var tied = new Dense(3, activation: "tanh", name: "tied");
        var model = new Model([a, b], [new Subtract().Call([tied.Call(a), tied.Call(b)])]);
        Randomize(model);
        ExportCheck.AssertMatches(model, ExportCheck.Inputs(model, 13), "tied layer");
        var proto = global::Onnx.ModelProto.Parser.ParseFrom(Graft.Onnx.OnnxExporter.ToBytes(model));
        Assert.Equal(2, proto.Graph.Initializer.Count(t => t.Name.StartsWith("tied/")));
    }

    /// <summary>Layouts and paddings the catalog leaves out: channels_first, output padding, strides past the kernel.</summary>
    public static IEnumerable<object[]> Geometries() => new (string Name, Func<Layer> Create, int[] Shape)[]
    {
        ("Conv2DTranspose_valid_stride_past_kernel", () => new Conv2DTranspose(2, [2, 2], strides: [3, 3]), [3, 4, 2]),
        ("Conv2DTranspose_valid", () => new Conv2DTranspose(2, [3, 3], strides: [2, 2], activation: "relu"), [3, 4, 2]),
        ("Conv2DTranspose_same_even_kernel", () => new Conv2DTranspose(3, [4, 4], strides: [2, 2], padding: "same"), [3, 4, 2]),
        ("Conv2DTranspose_channels_first", () => new Conv2DTranspose(2, [3, 3], strides: [2, 1], padding: "same", dataFormat: "channels_first"), [2, 3, 4]),
        ("Conv2D_same_stride_past_kernel", () => new Conv2D(2, [1, 1], strides: [2, 2], padding: "same"), [5, 6, 3]),
        ("Conv2D_dilated_same", () => new Conv2D(2, [3, 3], padding: "same", dilationRate: [2, 2]), [6, 6, 2]),
        ("Conv1D_channels_first", () => new Conv1D(3, 2, strides: 2, padding: "same", dataFormat: "channels_first"), [2, 7]),
        ("SeparableConv2D_same_multiplier", () => new SeparableConv2D(3, [3, 3], padding: "same", depthMultiplier: 2, activation: "tanh"), [5, 5, 2]),
        ("MaxPooling2D_channels_first", () => new MaxPooling2D([2, 2], dataFormat: "channels_first"), [2, 4, 5]),
        ("AveragePooling2D_same_strided", () => new AveragePooling2D([3, 3], strides: [2, 2], padding: "same"), [5, 6, 2]),
        ("MaxPooling1D_same", () => new MaxPooling1D(3, 2, "same"), [7, 2]),
        ("GlobalAveragePooling2D_channels_first", () => new GlobalAveragePooling2D("channels_first", keepdims: true), [2, 3, 3]),
        ("BatchNormalization_axis1", () => new BatchNormalization(axis: 1), [3, 4, 4]),
        ("UpSampling2D_channels_first", () => new Graft.Layers.Reshaping.UpSampling2D((3, 2), "channels_first"), [2, 2, 3]),
        ("ZeroPadding2D_channels_first", () => new Graft.Layers.Reshaping.ZeroPadding2D(((1, 0), (0, 2)), "channels_first"), [2, 2, 3]),
        ("Cropping2D_channels_first", () => new Graft.Layers.Reshaping.Cropping2D(((0, 1), (1, 1)), "channels_first"), [2, 4, 4]),
        ("Resizing_crop_to_aspect_ratio", () => new Resizing(4, 2, cropToAspectRatio: true), [5, 6, 2]),
        ("Resizing_pad_to_aspect_ratio", () => new Resizing(3, 6, padToAspectRatio: true, fillValue: 0.7f), [5, 4, 2]),
        ("Resizing_area_down", () => new Resizing(3, 2, "area"), [7, 5, 2]),
        ("Resizing_lanczos3_antialias_down", () => new Resizing(3, 4, "lanczos3", antialias: true), [8, 9, 1]),
        ("Resizing_nearest_up", () => new Resizing(7, 5, "nearest"), [3, 2, 2]),
        ("CenterCrop_smaller_image", () => new CenterCrop(6, 4), [3, 5, 2]),
        ("Rescaling_per_channel", () => new Rescaling(new[] { 0.5, -2.0, 3.0 }, offset: 0.25), [2, 2, 3]),
        ("Normalization_per_channel_inverted", () => new Normalization(mean: new[] { 1.0, -2.0 }, variance: new[] { 4.0, 0.0 }, invert: true), [3, 2]),
    }.Select(c => new object[] { c.Name, c.Create, c.Shape });

    [Theory]
    [MemberData(nameof(Geometries))]
    public void GeometriesMatchOnnxRuntime(string name, Func<Layer> create, int[] shape)
    {
        var x = Keras.Input(shape, "x");
        var model = new Model(x, create().Call(x));
        Randomize(model);
        ExportCheck.AssertMatches(model, ExportCheck.Inputs(model, 14), name);
    }

    [Theory]
    [InlineData("bilinear", 9, 4)]
    [InlineData("bilinear", 3, 2)]
    [InlineData("nearest", 9, 4)]
    [InlineData("nearest", 3, 2)]
    public void ResizingImagesOfUnknownSizeUsesOnnxResize(string interpolation, int height, int width)
    {
        var x = Keras.Input([-1, -1, 2], "image");
        var model = new Model(x, new Resizing(height, width, interpolation).Call(x));
        var g = new Generator(15);
        var image = Tensor.FromArray(Enumerable.Range(0, 2 * 6 * 5 * 2).Select(_ => g.NextNormal()).ToArray(), 2, 6, 5, 2);
        ExportCheck.AssertMatches(model, [image], $"Resizing {interpolation} to {height}x{width}");
    }

    [Fact]
    public void ResizingThatNeedsTheImageSizeSaysSo()
    {
        var x = Keras.Input([-1, -1, 3], "image");
        var model = new Model(x, new Resizing(4, 4, "bicubic", name: "to_four").Call(x));
        var ex = Assert.Throws<NotSupportedException>(() => Graft.Onnx.OnnxExporter.ToBytes(model));
        Assert.Contains("Resizing 'to_four'", ex.Message);
        Assert.Contains("expected images of known height and width", ex.Message);
    }

    [Fact]
    public void AdaptedNormalizationExportsItsStatistics()
    {
        var norm = new Normalization(axis: [1, -1]);
        var g = new Generator(16);
        norm.Adapt(Tensor.FromArray(Enumerable.Range(0, 20 * 3 * 2).Select(_ => 2f + 3f * g.NextNormal()).ToArray(), 20, 3, 2));
        var x = Keras.Input([3, 2], "features");
        var model = new Model(x, norm.Call(x));
        ExportCheck.AssertMatches(model, ExportCheck.Inputs(model, 17), "adapted Normalization");
    }
}
