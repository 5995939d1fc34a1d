using System.IO.Compression;
using Graft.Layers.Core;
using Graft.Layers.Recurrent;
using Graft.Models;
using Graft.Saving;
using Graft.Tensors;
using Graft.Tests.Testing;
using PureHDF;

namespace Graft.Tests.Saving;

/// <summary>
/// Weights-only files in both of Keras's layouts: Keras 3's <c>x.weights.h5</c>
/// (<c>layers/&lt;key&gt;/vars/&lt;i&gt;</c>, the file inside every <c>.keras</c>) and Keras 2's
/// legacy <c>.h5</c> (<c>layer_names</c>); <c>LoadWeights</c> tells them apart by content.
/// </summary>
public class WeightsFormatTests
{
    private static string Temp(string extension) => Path.Combine(Path.GetTempPath(), $"graft-{Guid.NewGuid():N}{extension}");

    /// <summary>Dense, then (N, 4) reshaped to (N, 2, 2) for an LSTM, whose weights Keras 3 keeps in its cell.</summary>
    private static Sequential RecurrentModel() => new([new Dense(4, activation: "relu", inputShape: [3]), new Graft.Layers.Reshaping.Reshape([2, 2]), new LSTM(2)]);

    private static IEnumerable<float[]> Values(Model m) => m.GetWeights().Select(w => w.ToArray());

    [Fact]
    public void WeightsH5PathGetsKeras3Layout()
    {
        var model = new Sequential([new Dense(4, activation: "relu", inputShape: [3]), new Dense(2)]);
        string path = Temp(".weights.h5");
        try
        {
            model.SaveWeights(path);
            using (var f = H5File.OpenRead(path))
            {
                Assert.False(f.AttributeExists("layer_names"));
                Assert.Equal([3UL, 4UL], f.Dataset("layers/dense/vars/0").Space.Dimensions);
                Assert.Equal([2UL], f.Dataset("layers/dense_1/vars/1").Space.Dimensions);
                Assert.True(f.LinkExists("vars"));
            }
            var copy = model.Clone();
            copy.LoadWeights(path);
            Assert.Equal(Values(model), Values(copy));
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void PlainH5PathGetsKeras2Layout()
    {
        var model = new Sequential([new Dense(4, activation: "relu", inputShape: [3]), new Dense(2)]);
        string path = Temp(".h5");
        try
        {
            model.SaveWeights(path);
            using (var f = H5File.OpenRead(path))
            {
                Assert.Equal(model.Layers.Select(l => l.Name), f.Attribute("layer_names").Read<string[]>());
                Assert.False(f.LinkExists("layers"));
            }
            var copy = model.Clone();
            copy.LoadWeights(path);
            Assert.Equal(Values(model), Values(copy));
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void LayoutIsToldByContentNotByName()
    {
        var model = new Sequential([new Dense(4, inputShape: [3]), new Dense(2)]);
        string keras3 = Temp(".weights.h5"), misnamed = Temp(".h5");
        try
        {
            model.SaveWeights(keras3);
            File.Move(keras3, misnamed);
            var copy = model.Clone();
            copy.LoadWeights(misnamed);
            Assert.Equal(Values(model), Values(copy));
            // And a legacy file named like Keras 3's (a Keras 2 save_weights).
            var full = Model.Load(Fixtures.Keras("k2.3.1_dl4j_dense_softmax.h5"));
            var twin = full.Clone();
            twin.LoadWeights(Fixtures.Keras("k2.3.1_dl4j_dense_softmax.weights.h5"));
            Assert.Equal(Values(full), Values(twin));
        }
        finally { File.Delete(keras3); File.Delete(misnamed); }
    }

    [Theory]
    [InlineData("k3.2.1_Nonbangkok_ecg_conv1d_bn_lstm.keras")]   // BatchNormalization, LSTM cells
    [InlineData("k3.8.0_CodingRayyan_gru.keras")]               // GRU cells
    [InlineData("k3.8.0_internshipkrishna_unet_concat.keras")]  // functional; keys are not layer names
    [InlineData("tfk2.15.0_Abhaypandy_churn_mlp.keras")]         // tf.keras 2.15's backslash names
    public void WeightsFileInsideARealKerasArchiveLoadsIntoTheModelOfItsConfig(string file)
    {
        string weights = Temp(".weights.h5");
        try
        {
            string config;
            using (var zip = ZipFile.OpenRead(Fixtures.Keras(file)))
            {
                zip.GetEntry("model.weights.h5")!.ExtractToFile(weights);
                using var r = new StreamReader(zip.GetEntry("config.json")!.Open());
                config = r.ReadToEnd();
            }
            var model = Model.FromJson(config);
            var fresh = Values(model).ToList();
            model.LoadWeights(weights);
            var reference = Model.Load(Fixtures.Keras(file), compile: false);
            Assert.Equal(Values(reference), Values(model));
            Assert.NotEqual(fresh, Values(model));
        }
        finally { File.Delete(weights); }
    }

    [Fact]
    public void AKerasArchiveGivesItsWeights()
    {
        string file = Fixtures.Keras("k3.8.0_Mohand_resnet1d_add_bn.keras");
        var reference = Model.Load(file, compile: false);
        var model = reference.Clone();
        model.LoadWeights(file);
        Assert.Equal(Values(reference), Values(model));
    }

    [Fact]
    public void ByNameNeedsTheLegacyLayout()
    {
        var model = new Sequential([new Dense(2, inputShape: [3])]);
        string path = Temp(".weights.h5");
        try
        {
            model.SaveWeights(path);
            var e = Assert.Throws<ArgumentException>(() => model.Clone().LoadWeights(path, byName: true));
            Assert.Contains("layer_names", e.Message);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void MismatchedShapesFailOrAreSkippedOnRequest()
    {
        var source = new Sequential([new Dense(4, inputShape: [3]), new Dense(2)]);
        var target = new Sequential([new Dense(4, inputShape: [3]), new Dense(5)]);
        string path = Temp(".weights.h5");
        try
        {
            source.SaveWeights(path);
            var e = Assert.Throws<ModelFormatException>(() => target.LoadWeights(path));
            Assert.Contains("/layers/dense_1/vars/0", e.Message);
            Assert.Contains("(4, 5)", e.Message);
            var head = target.Layers[1].GetWeights().Select(w => w.ToArray()).ToList();
            target.LoadWeights(path, skipMismatch: true);
            Assert.Equal(source.Layers[0].GetWeights().Select(w => w.ToArray()), target.Layers[0].GetWeights().Select(w => w.ToArray()));
            Assert.Equal(head, target.Layers[1].GetWeights().Select(w => w.ToArray()));
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void RecurrentWeightsRoundTripInBothLayouts()
    {
        var model = RecurrentModel();
        foreach (var extension in new[] { ".weights.h5", ".h5" })
        {
            string path = Temp(extension);
            try
            {
                model.SaveWeights(path);
                var copy = model.Clone();
                copy.LoadWeights(path);
                Assert.Equal(Values(model), Values(copy));
            }
            finally { File.Delete(path); }
        }
    }

    [Fact]
    public void WeightsToAKerasPathAreRefused()
    {
        // A .keras path names a full-model archive; a weights-only HDF5 file under that name would
        // look like a model and fail to load as one. Keras 3 refuses such a path too.
        var model = new Sequential([new Dense(2, inputShape: [3])]);
        string path = Temp(".keras");
        var e = Assert.Throws<ArgumentException>(() => model.SaveWeights(path));
        Assert.Contains(".weights.h5", e.Message);
        Assert.False(File.Exists(path));
    }

    /// <summary>A base model nested in a model with a head; the base's bottom layer optionally frozen (Keras's fine-tuning recipe).</summary>
    private static Model NestedBase(bool freezeBottom)
    {
        using var context = new GraftContext(seed: 3).Use();
        var bi = Keras.Input([4]);
        var b2 = new Dense(4, activation: "relu", name: "b2").Call(new Dense(4, activation: "relu", name: "b1").Call(bi));
        var baseModel = new Model(bi, b2, name: "base");
        if (freezeBottom) baseModel.Layers[1].Trainable = false;
        var input = Keras.Input([4]);
        return new Model(input, new Dense(1, name: "head").Call(baseModel.Call(input)));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void LegacyWeightsOfANestedModelLoadWhateverIsFrozen(bool frozenWhenSaved)
    {
        // The legacy layout lists a nested model's trainable weights first, so the file's order depends
        // on which layers were frozen at save time; b1 and b2 have equal shapes, so loading by position
        // into a model frozen differently would swap them without any error.
        var saved = NestedBase(frozenWhenSaved);
        string path = Temp(".h5");
        try
        {
            saved.SaveWeights(path);
            var loaded = NestedBase(!frozenWhenSaved);
            loaded.LoadWeights(path);
            Assert.Equal(Values(saved), Values(loaded));
        }
        finally { File.Delete(path); }
    }
}
