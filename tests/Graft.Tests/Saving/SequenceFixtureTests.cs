using System.Globalization;
using Graft.Models;
using Graft.Tensors;
using Graft.Tests.Testing;

namespace Graft.Tests.Saving;

/// <summary>Recurrent and embedding Keras files reproduce the outputs Keras computed for them.</summary>
public class SequenceFixtureTests
{
    [Theory]
    [InlineData("k1.2.2_dl4j_simple_lstm_tf", "lstm_input_1")]   // Keras 1: 12 gate arrays, hard_sigmoid = 0.2x + 0.5
    [InlineData("k2.1.3_dl4j_simple_rnn_tf", "simple_rnn_1_input")]
    public void RecurrentFixturesMatchKeras(string stem, string input)
    {
        var model = Model.Load(Fixtures.Keras(stem + ".h5"));
        var x = Fixtures.IoDataset(stem + ".io.h5", "inputs/" + input);
        var expected = Fixtures.IoDataset(stem + ".io.h5", "predictions/dense_1");
        Assertions.Close(expected.ToArray(), model.Predict(x).ToArray(), 1e-4f, stem);
    }

    [Fact]
    public void Keras1EmbeddingConv1DMatchesKeras()
    {
        var model = Model.Load(Fixtures.Keras("k1.1.2_jigg_embedding_conv1d.h5"));
        var ids = File.ReadAllText(Fixtures.Keras("k1.1.2_jigg_embedding_conv1d.input.csv")).Split(',', '\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        var expected = File.ReadAllLines(Fixtures.Keras("k1.1.2_jigg_embedding_conv1d.expected.csv")).Where(l => l.Length > 0)
            .SelectMany(l => l.Split(',')).Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        var y = model.Predict(Tensor.FromArray(ids, 1, ids.Length));
        Assertions.Close(expected, y.ToArray(), 1e-4f, "jigg embedding conv1d");
    }

    [Fact]
    public void TheSameModelInBothFormatsGivesTheSameOutputs()
    {
        // Keras 3.2.1 saved the same ECG model (Conv1D, BatchNormalization, LSTM) as .h5 and .keras.
        var h5 = Model.Load(Fixtures.Keras("k3.2.1_Nonbangkok_ecg_conv1d_bn_lstm.h5"));
        var zip = Model.Load(Fixtures.Keras("k3.2.1_Nonbangkok_ecg_conv1d_bn_lstm.keras"));
        var x = Tensor.RandomNormal([3, 187, 1], generator: new Generator(5));
        Assert.Equal(h5.Predict(x).ToArray(), zip.Predict(x).ToArray());
        Assert.Equal(75684, h5.CountParams());
    }

    [Fact]
    public void Keras3GruWithItsCellWeightsLoads()
    {
        const string file = "k3.8.0_CodingRayyan_gru.keras";
        var model = Model.Load(Fixtures.Keras(file));
        var gru = model.Layers.OfType<Graft.Layers.Recurrent.GRU>().First();
        Assert.True(gru.ResetAfter);
        // The model computes what its stored arrays compute through a plain GRU loop (MANIFEST:
        // GRU(128, seq) > GRU(64, seq) > GRU(32) > Dense(64, relu) > Dense(32, relu) > Dense(1)): each
        // cell's kernel, recurrent kernel and bias rows are in their places, gates in Keras's order.
        var layers = Fixtures.KerasZipWeights(file).Group("layers")!;
        var x = Tensor.RandomNormal([2, 60, 1], generator: new Generator(5));
        var features = new List<float>();
        for (int n = 0; n < 2; n++)
        {
            double[] h = x[n].ToArray().Select(v => (double)v).ToArray();
            int width = 1;
            foreach (var (name, sequences) in new[] { ("gru", true), ("gru_1", true), ("gru_2", false) })
            {
                var vars = layers.Group(name)!.Group("cell")!.Group("vars")!;
                var bias = Fixtures.Floats(vars, "2");
                h = ReferenceGru.Run(h, width, Fixtures.Floats(vars, "0"), Fixtures.Floats(vars, "1"), bias, sequences);
                width = bias.Length / 6;
            }
            features.AddRange(h.Select(v => (float)v));
        }
        var expected = ReferenceMlp.Predict(features.ToArray(), 32,
            [KerasFileTests.StoredDense(layers, "dense", "relu"), KerasFileTests.StoredDense(layers, "dense_1", "relu"), KerasFileTests.StoredDense(layers, "dense_2", "linear")]);
        Assertions.Close(expected, model.Predict(x).ToArray(), 1e-4f, file);
    }
}
