using System.Globalization;
using Graft.Data;
using Graft.Layers.Convolutional;
using Graft.Models;
using Graft.Tensors;
using Graft.Tests.Testing;

namespace Graft.Tests.Saving;

/// <summary>Convolutional Keras files reproduce the outputs Keras computed for them.</summary>
public class ConvFixtureTests
{
    private static Tensor Csv(string file)
    {
        var rows = File.ReadAllLines(Fixtures.Keras(file)).Where(l => l.Length > 0)
            .Select(l => l.Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();
        return Tensor.FromArray(rows.SelectMany(r => r).ToArray(), 1, rows.Length, rows[0].Length);
    }

    [Fact]
    public void CnnWithBatchNormMatchesKeras()
    {
        var model = Model.Load(Fixtures.Keras("k2.1.3_dl4j_cnn_batch_norm.h5"));
        var x = Npy.Load(Fixtures.Keras("k2.1.3_dl4j_cnn_batch_norm.input.npy"));
        var expected = Npy.Load(Fixtures.Keras("k2.1.3_dl4j_cnn_batch_norm.expected.npy"));
        Assertions.Close(expected.ToArray(), model.Predict(x).ToArray(), 1e-4f, "cnn_batch_norm");
    }

    [Theory]
    [InlineData("k2.3.1_dl4j_conv1d_k2_same_cl")]       // "same" with an even kernel: 0 left, 1 right
    [InlineData("k2.3.1_dl4j_causal_conv1d_k3_d2_cl")]  // causal, dilation 2
    public void Conv1DFixturesMatchKeras(string stem)
    {
        var model = Model.Load(Fixtures.Keras(stem + ".h5"));
        var x = Fixtures.IoDataset(stem + ".io.h5", "inputs/conv0_input");
        var expected = Fixtures.IoDataset(stem + ".io.h5", "predictions/conv0");
        Assertions.Close(expected.ToArray(), model.Predict(x).ToArray(), 1e-4f, stem);
    }

    [Fact]
    public void Keras1Conv1DWithItsFourDimensionalKernelMatchesKeras()
    {
        var model = Model.Load(Fixtures.Keras("k1.1.2_jigg_conv1d.h5"));
        var y = model.Predict(Csv("k1.1.2_jigg_conv1d.input.csv"));
        var expected = Csv("k1.1.2_jigg_conv1d.expected.csv");
        Assertions.Close(expected.ToArray(), y.ToArray(), 1e-4f, "jigg conv1d");
    }

    [Fact]
    public void TheanoKernelsAreFlippedSpatially()
    {
        var model = Model.Load(Fixtures.Keras("k2.1.3_dl4j_conv2d_theano_backend.h5"));
        using var f = PureHDF.H5File.OpenRead(Fixtures.Keras("k2.1.3_dl4j_conv2d_theano_backend.h5"));
        var g = PureHDF.IH5GroupExtensions.Group(PureHDF.IH5GroupExtensions.Group(f, "model_weights"), "conv2d_1");
        string name = g.Attribute("weight_names").Read<string[]>()[0];
        var raw = PureHDF.IH5GroupExtensions.Dataset(g, name).Read<float[]>();
        var kernel = ((Conv2D)model.Layers[0]).Kernel!.Value;
        // kernel[i, j, c, o] == raw[2 - i, 2 - j, c, o] for the 3x3 window
        int cin = kernel.Shape[2], cout = kernel.Shape[3];
        for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++)
            Assert.Equal(raw[((2 - i) * 3 + (2 - j)) * cin * cout + 1], kernel.GetValue(i, j, 0, 1));
    }

    [Fact]
    public void MiniXceptionLoadsAndRuns()
    {
        var model = Model.Load(Fixtures.Keras("k2.0.5_oarriaga_fer2013_mini_XCEPTION.hdf5"));
        Assert.Equal(58423, model.CountParams());
        var p = model.Predict(Tensor.RandomUniform([2, 64, 64, 1], generator: new Generator(1)));
        Assert.Equal(new Shape(2, 7), p.Shape);
        Assert.All(p.Sum(1).ToArray(), s => Assert.Equal(1f, s, 4));
    }

    [Theory]
    [InlineData("tfk2.2.4_kotlindl_toyresnet", 222666)]
    [InlineData("tfk2.2.4_kotlindl_lenet_batchnorm", 846070)]
    [InlineData("k2.0.6_hls4ml_jetTagger_conv2d_bn", 891)]
    public void JsonPlusWeightsConvModelsLoadAndRun(string stem, int weightElements)
    {
        var model = Model.FromJson(File.ReadAllText(Fixtures.Keras(stem + ".config.json")));
        model.LoadWeights(Fixtures.Keras(stem + ".weights.h5"));
        Assert.Equal(weightElements, model.CountParams());
        var shape = model.InputShape!.Skip(1).Select(d => d ?? 8).ToArray();
        var y = model.Predict(Tensor.RandomUniform([2, .. shape], generator: new Generator(2)));
        Assert.All(y.ToArray(), v => Assert.True(float.IsFinite(v)));
    }
}
