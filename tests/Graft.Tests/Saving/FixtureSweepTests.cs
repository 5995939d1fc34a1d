using Graft.Models;
using Graft.Tests.Testing;

namespace Graft.Tests.Saving;

/// <summary>Every real Keras file either loads, with all its stored weights, or says which class Graft lacks: each fixture's outcome is written down.</summary>
public class FixtureSweepTests
{
    /// <summary>
    /// What each model file in Fixtures/keras gives: the number of weight scalars once loaded (the
    /// MANIFEST's "weight elems"), or the Keras class Graft lacks. The two Windows-written tf.keras
    /// zips store metric state beside the layers (the MANIFEST counts it: 4965 and 2949), which a
    /// model does not hold.
    /// </summary>
    private static readonly Dictionary<string, (long Params, string? MissingClass)> s_expected = new()
    {
        ["k1.1.2_jigg_conv1d.h5"] = (74, null),
        ["k1.1.2_jigg_embedding_conv1d.h5"] = (137, null),
        ["k1.2.2_dl4j_conv2d_reshape_theano.h5"] = (1950, null),
        ["k1.2.2_dl4j_dense_reshape_bn_conv2d_tf.h5"] = (49985, null),
        ["k1.2.2_dl4j_simple_lstm_tf.h5"] = (10451, null),
        ["k1_dl4j_mnist_mlp_tf.weights.h5"] = (669706, null),
        ["k2.0.5_oarriaga_fer2013_mini_XCEPTION.hdf5"] = (58423, null),
        ["k2.0.6_dl4j_mnist_mlp_tf.weights.h5"] = (669706, null),
        ["k2.0.6_hls4ml_jetTagger_conv2d_bn.weights.h5"] = (891, null),
        ["k2.0.8_hls4ml_3layer_batch_norm.weights.h5"] = (4921, null),
        ["k2.1.3_dl4j_cnn_batch_norm.h5"] = (79, null),
        ["k2.1.3_dl4j_conv2d_theano_backend.h5"] = (276, null),
        ["k2.1.3_dl4j_embedding_lstm_tf.h5"] = (308, null),
        ["k2.1.3_dl4j_separable_conv2d_tf.h5"] = (156, null),
        ["k2.1.3_dl4j_simple_rnn_tf.h5"] = (2651, null),
        ["k2.1.3_dl4j_wgan_discriminator.h5"] = (97536, null),
        ["k2.2.0_dl4j_12net_prelu_functional.h5"] = (6632, null),
        ["k2.3.1_dl4j_causal_conv1d_k3_d2_cl.h5"] = (40, null),
        ["k2.3.1_dl4j_conv1d_k2_same_cl.h5"] = (28, null),
        ["k2.3.1_dl4j_dense_leakyrelu.h5"] = (544, null),
        ["k2.3.1_dl4j_dense_leakyrelu.weights.h5"] = (544, null),
        ["k2.3.1_dl4j_dense_softmax.h5"] = (15, null),
        ["k2.3.1_dl4j_dense_softmax.weights.h5"] = (15, null),
        ["k2.3.1_dl4j_simpleconv2d_functional.hdf5"] = (80135, null),
        ["k2.3.1_dl4j_simpleconv2d_sequential.hdf5"] = (80135, null),
        ["k3.1.1_Moonflower_mnist_cnn.h5"] = (34826, null),
        ["k3.1.1_Moonflower_mnist_cnn.keras"] = (34826, null),
        ["k3.13.2_AhmedKamel_mnist_cnn_legacy.h5"] = (225034, null),
        ["k3.14.1_hls4ml_qkeras_3layer_CUSTOM.keras"] = (0, "QDense"),
        ["k3.2.1_Nonbangkok_ecg_conv1d_bn_lstm.h5"] = (75684, null),
        ["k3.2.1_Nonbangkok_ecg_conv1d_bn_lstm.keras"] = (75684, null),
        ["k3.3.3_ESP_DL_mnist_mlp_functional.keras"] = (55050, null),
        ["k3.8.0_CodingRayyan_gru.keras"] = (101185, null),
        ["k3.8.0_Mohand_resnet1d_add_bn.keras"] = (24516, null),
        ["k3.8.0_internshipkrishna_unet_concat.keras"] = (53633, null),
        ["k3.9.2_sudo-sidd_cifar10_cnn.keras"] = (188810, null),
        ["tfk2.11.0_dl4j_attention_concat_functional.h5"] = (2849, null),
        ["tfk2.13.1_DimimiS_conv_autoencoder.keras"] = (4963, null),
        ["tfk2.15.0_Abhaypandy_churn_mlp.keras"] = (2945, null),
        ["tfk2.2.4_dl4j_conv2d_avgpool_gap.h5"] = (260, null),
        ["tfk2.2.4_dl4j_depthwise_avgpool_gap.h5"] = (60, null),
        ["tfk2.2.4_kotlindl_lenet_batchnorm.weights.h5"] = (846070, null),
        ["tfk2.2.4_kotlindl_toyresnet.weights.h5"] = (222666, null),
        ["tfk2.4.0_dl4j_embedding_conv1d_functional.hdf5"] = (44, null),
    };

    private static IEnumerable<string> ModelFileNames() =>
        Directory.GetFiles(Fixtures.Dir)
            .Select(f => Path.GetFileName(f)!)
            .Where(f => (f.EndsWith(".h5") || f.EndsWith(".hdf5") || f.EndsWith(".keras")) && !f.EndsWith(".io.h5"))
            .Order(StringComparer.Ordinal);

    public static IEnumerable<object[]> ModelFiles() => ModelFileNames().Select(f => new object[] { f });

    /// <summary>A model file, or a weights-only file put into the model its config (or its full twin) describes.</summary>
    private static Model Load(string file)
    {
        string path = Fixtures.Keras(file);
        if (!file.EndsWith(".weights.h5")) return Model.Load(path);
        string config = Fixtures.Keras(file.Replace(".weights.h5", ".config.json"));
        // Without a config, the file is the weights-only twin of a full model in the same folder.
        var model = File.Exists(config) ? Model.FromJson(File.ReadAllText(config)) : Model.Load(path.Replace(".weights.h5", ".h5"));
        model.LoadWeights(path);
        return model;
    }

    [Theory]
    [MemberData(nameof(ModelFiles))]
    public void LoadsOrNamesTheMissingClass(string file)
    {
        Assert.True(s_expected.TryGetValue(file, out var expected), $"{file}: expected an entry in the table of fixture outcomes, got none. Add the file's outcome.");
        if (expected.MissingClass is { } missing)
        {
            var ex = Assert.Throws<NotSupportedException>(() => Load(file));
            Assert.Contains($"Layer class '{missing}'", ex.Message);
            return;
        }
        var model = Load(file);
        Assert.Equal(expected.Params, model.CountParams());
        // The stored values, not fresh initial ones, fill the model: Keras 1 gate reordering, Theano
        // kernel flips and kernel reshapes move values around but keep their sum of magnitudes.
        double stored = StoredWeights(file).Sum(d => Magnitude(d)), loaded = model.Weights.Sum(v => Magnitude(v.Value.ToArray()));
        Assert.True(Math.Abs(stored - loaded) <= 1e-9 * stored, $"{file}: expected the weights' sum of magnitudes to be the stored {stored:R}, got {loaded:R}.");
    }

    private static double Magnitude(Array data) => data switch
    {
        float[] f => f.Sum(x => (double)Math.Abs(x)),
        double[] d => d.Sum(Math.Abs),
        _ => 0,   // integer datasets are counters, not weights
    };

    /// <summary>The layer weight datasets of a fixture as stored, read without Graft's loader (optimizer and metric state left out).</summary>
    private static IEnumerable<Array> StoredWeights(string file)
    {
        string path = Fixtures.Keras(file);
        IEnumerable<H5Tree> groups;
        if (file.EndsWith(".keras"))
        {
            // Keras 3 keeps layers under "layers/"; tf.keras on Windows wrote "layers\dense" or
            // "_layer_checkpoint_dependencies\conv2d" as single names.
            groups = Fixtures.KerasZipWeights(file).Groups
                .Where(g => g.Name.StartsWith("layers") || g.Name.StartsWith("_layer_checkpoint_dependencies"))
                .SelectMany(g => g.Group.AllGroups());
        }
        else
        {
            var tree = H5Tree.Read(path);
            groups = (file.EndsWith(".weights.h5") ? tree : tree.Group("model_weights")!).AllGroups();
        }
        return groups.SelectMany(g => g.Datasets.Select(d => d.Data));
    }

    [Fact]
    public void EveryOutcomeNamesAFixture()
    {
        // A table entry without a file would be a fixture that silently stopped being tested.
        Assert.Empty(s_expected.Keys.Except(ModelFileNames()));
    }
}
