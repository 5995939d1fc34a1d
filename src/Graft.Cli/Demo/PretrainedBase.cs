using Graft.Layers;
using Graft.Layers.Core;
using Graft.Layers.Merging;
using Graft.Layers.Pooling;
using Graft.Layers.Preprocessing;
using Graft.Layers.Reshaping;
using Graft.Models;
using Graft.Saving;

namespace Graft.Cli.Demo;

/// <summary>
/// The ImageNet ResNet18 as a feature extractor for Fashion-MNIST: a functional model from a 28×28
/// image with pixels in [0, 1] to the 512 features of the network's global average pooling.
/// </summary>
/// <remarks>
/// In front of the network, Keras's preprocessing layers do what the package's preprocessing graph
/// and a photo pipeline would: <c>Rescaling(255)</c> back to 0..255 pixels (what the network was trained
/// on), <c>Resizing(size, size)</c> (bilinear), the gray channel replicated three times (so the package's
/// RGB-to-BGR swap changes nothing), and <c>Normalization</c> subtracting the package's mean image
/// averaged per channel. The mean image itself is 224×224; averaged per channel it fits any size, and
/// it differs from its channel means by at most 13 of 255. The network is the imported ONNX graph
/// called again on the new input (its layers and weights shared, not copied), cut before its fixed
/// 7×7 average pooling, which <c>GlobalAveragePooling2D</c> replaces so that smaller images work too.
/// </remarks>
internal static class PretrainedBase
{
    /// <summary>The base at <paramref name="imageSize"/> × <paramref name="imageSize"/>, named "resnet18_base".</summary>
    /// <exception cref="ModelFormatException">A file is not the package's ResNet18 or preprocessing graph.</exception>
    /// <exception cref="ArgumentException">The size does not divide the network's strides evenly.</exception>
    public static Model Build(string modelPath, string preprocessPath, int imageSize)
    {
        // The network halves the size five times and adds each residual branch to its shortcut:
        // a size that is not a multiple of 32 leaves the two a pixel apart.
        if (imageSize < 32 || imageSize % 32 != 0)
            throw new ArgumentException($"--image-size: expected a multiple of 32 (32, 64, 96, … 224), got {imageSize}. ResNet18 halves it five times.");
        var resnet = Model.Load(modelPath);
        var means = ChannelMeans(Model.Load(preprocessPath), preprocessPath);

        var input = Keras.Input([28, 28], name: "fashion_mnist");
        var x = new Reshape([28, 28, 1]).Call(input);
        x = new Rescaling(255.0).Call(x);
        x = new Resizing(imageSize, imageSize).Call(x);
        x = new Concatenate().Call([x, x, x]);
        x = new Normalization(mean: means, variance: new double[] { 1, 1, 1 }).Call(x);
        x = Trunk(resnet, x, modelPath);
        x = new GlobalAveragePooling2D().Call(x);
        return new Model(input, x, "resnet18_base");
    }

    /// <summary>
    /// Calls the imported network's layers again on <paramref name="image"/> (channels-last), from the
    /// layer after the input's NCHW-to-NHWC permute to the input of the last average pooling.
    /// </summary>
    private static SymbolicTensor Trunk(Model resnet, SymbolicTensor image, string path)
    {
        var layers = resnet.Layers;
        if (layers.Count < 3 || layers[0] is not InputLayer || layers[1] is not Permute || resnet.Input.Shape is not [null, 3, _, _])
            throw new ModelFormatException(path, "graph", "expected an ImageNet ResNet18 taking (N, 3, H, W) images, as in the package Microsoft.ML.DnnImageFeaturizer.ResNet18, got another model.");
        var pool = layers.LastOrDefault(l => l is AveragePooling2D or GlobalAveragePooling2D)
            ?? throw new ModelFormatException(path, "graph", "expected an average pooling after the last convolution block, got none.");
        var cut = pool.InboundNodes[0].Inputs[0];

        var map = new Dictionary<SymbolicTensor, SymbolicTensor>(ReferenceEqualityComparer.Instance) { [layers[1].InboundNodes[0].Output] = image };
        foreach (var layer in layers.Skip(2))
        {
            var node = layer.InboundNodes[0];
            var outputs = FunctionalGraph.Record(layer, node.Inputs.Select(t => map[t]).ToArray(), node.Training, node.Kwargs);
            map[node.Output] = outputs;
            if (ReferenceEquals(node.Output, cut)) return outputs;
        }
        throw new ModelFormatException(path, pool.Name, "expected the pooling's input among the network's layers, got none.");
    }

    /// <summary>The package's mean image (BGR, 224×224), averaged per channel.</summary>
    private static double[] ChannelMeans(Model preprocess, string path)
    {
        var weighted = preprocess.Layers.Where(l => l.Weights.Count > 0).ToList();
        if (weighted is not [var layer] || layer.GetWeights()[0] is not { Rank: 4 } mean || mean.Shape[3] != 3)
            throw new ModelFormatException(path, "graph", "expected one mean image of shape (1, H, W, 3) in the preprocessing graph, got another model.");
        var values = mean.ToArray();
        var sums = new double[3];
        for (int i = 0; i < values.Length; i++) sums[i % 3] += values[i];
        return sums.Select(s => s / (values.Length / 3)).ToArray();
    }
}
