using System.IO.Compression;
using Graft.Layers;
using Graft.Layers.Attention;
using Graft.Layers.Core;
using Graft.Layers.Normalization;
using Graft.Layers.Recurrent;
using Graft.Layers.Wrappers;
using Graft.Models;
using Graft.Saving;
using Graft.Tensors;
using Graft.Tests.Testing;
using PureHDF;

namespace Graft.Tests.Saving;

/// <summary>
/// Keras 3 stores a layer's weights where its saving code walks its attributes
/// (keras/src/saving/saving_lib.py): a recurrent layer's in <c>cell/vars</c>, Bidirectional's in
/// <c>forward_layer</c> / <c>backward_layer</c>, TimeDistributed's in <c>layer</c>,
/// MultiHeadAttention's in <c>query_dense</c>, <c>key_dense</c>, <c>value_dense</c>, <c>output_dense</c>.
/// </summary>
public class NestedWeightPathsTests
{
    private static string Temp(string extension) => Path.Combine(Path.GetTempPath(), $"graft-{Guid.NewGuid():N}{extension}");

    /// <summary>A model with every nesting Keras 3 uses.</summary>
    private static (Model Model, Tensor X) Nested()
    {
        var x = Keras.Input([5, 4]);
        var a = new MultiHeadAttention(2, 3).Call([x, x]);
        var b = new Bidirectional(new LSTM(3, returnSequences: true)).Call(a);
        var t = new TimeDistributed(new Dense(2)).Call(b);
        var n = new BatchNormalization().Call(t);
        var y = new LSTM(2).Call(n);
        var model = new Model(x, y);
        // Moving statistics other than the initial 0 and 1, so that swapped weights would show.
        model.Compile("mse", "sgd");
        model.Fit(Tensor.RandomNormal([8, 5, 4], generator: new Generator(1)), Tensor.RandomNormal([8, 2], generator: new Generator(2)), epochs: 2, verbose: 0);
        return (model, Tensor.RandomNormal([3, 5, 4], generator: new Generator(5)));
    }

    private static byte[] WeightsEntry(string kerasPath)
    {
        using var zip = ZipFile.OpenRead(kerasPath);
        using var ms = new MemoryStream();
        using (var s = zip.GetEntry("model.weights.h5")!.Open()) s.CopyTo(ms);
        return ms.ToArray();
    }

    private static Dictionary<string, float[]> Datasets(byte[] h5)
    {
        var found = new Dictionary<string, float[]>();
        using var f = H5File.Open(new MemoryStream(h5), leaveOpen: false);
        void Walk(IH5Group g, string path)
        {
            foreach (var c in g.Children())
                // The optimizer's state (optimizer/vars) is checked by OptimizerStateTests and ResumeTests.
                if (path == "" && c.Name == "optimizer") continue;
                else if (c is IH5Group cg) Walk(cg, $"{path}/{c.Name}");
                else if (c is IH5Dataset d) found[$"{path}/{c.Name}"[1..]] = d.Read<float[]>();
        }
        Walk(f, "");
        return found;
    }

    /// <summary>A copy of a .keras with its weights file replaced.</summary>
    private static void ReplaceWeights(string source, string target, H5File weights)
    {
        using var ms = new MemoryStream();
        weights.Write(ms);
        KerasArchive.ReplaceWeights(source, target, ms.ToArray());
    }

    private static void Put(H5Group g, string path, Tensor value)
    {
        var parts = path.Split('/');
        foreach (var p in parts[..^1])
        {
            if (!g.TryGetValue(p, out var child)) g[p] = child = new H5Group();
            g = (H5Group)child;
        }
        g[parts[^1]] = new H5Dataset(value.ToArray(), fileDims: value.Shape.Dims.Select(d => (ulong)d).ToArray());
    }

    [Fact]
    public void KerasFileHoldsEachWeightAtKeras3sPath()
    {
        var (model, _) = Nested();
        string path = Temp(".keras");
        try
        {
            model.Save(path);
            var stored = Datasets(WeightsEntry(path));
            string[] expected =
            [
                .. new[] { "query_dense", "key_dense", "value_dense", "output_dense" }.SelectMany(d => new[] { $"layers/multi_head_attention/{d}/vars/0", $"layers/multi_head_attention/{d}/vars/1" }),
                .. new[] { "forward_layer", "backward_layer" }.SelectMany(d => Enumerable.Range(0, 3).Select(i => $"layers/bidirectional/{d}/cell/vars/{i}")),
                "layers/time_distributed/layer/vars/0", "layers/time_distributed/layer/vars/1",
                .. Enumerable.Range(0, 4).Select(i => $"layers/batch_normalization/vars/{i}"),
                .. Enumerable.Range(0, 3).Select(i => $"layers/lstm/cell/vars/{i}"),
            ];
            Assert.Equal(expected.Order(), stored.Keys.Order());
            var bn = model.Layers.OfType<BatchNormalization>().Single();
            Assert.Equal(bn.Weights[2].Value.ToArray(), stored["layers/batch_normalization/vars/2"]);   // moving_mean
            var mha = model.Layers.OfType<MultiHeadAttention>().Single();
            Assert.Equal(mha.Weights.Single(w => w.Name == "value/kernel").Value.ToArray(), stored["layers/multi_head_attention/value_dense/vars/0"]);
            var bi = model.Layers.OfType<Bidirectional>().Single();
            Assert.Equal(bi.BackwardLayer.Weights[1].Value.ToArray(), stored["layers/bidirectional/backward_layer/cell/vars/1"]);
        }
        finally { File.Delete(path); }
    }

    [Theory]
    [InlineData(".keras")]
    [InlineData(".h5")]
    [InlineData(".weights.h5")]
    public void NestedModelRoundTrips(string extension)
    {
        var (model, x) = Nested();
        string path = Temp(extension);
        try
        {
            Model loaded;
            if (extension == ".weights.h5")
            {
                model.SaveWeights(path);
                loaded = model.Clone();
                loaded.LoadWeights(path);
            }
            else
            {
                model.Save(path);
                loaded = Model.Load(path);
            }
            Assert.Equal(model.Predict(x).ToArray(), loaded.Predict(x).ToArray());
            Assert.Equal(model.GetWeights().Select(w => w.ToArray()), loaded.GetWeights().Select(w => w.ToArray()));
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void FlatFilesGraftWroteBeforeStillLoad()
    {
        var (model, x) = Nested();
        string path = Temp(".keras"), flat = Temp(".keras");
        try
        {
            model.Save(path);
            // Graft's earlier layout: every layer's weights flat at vars/<i>, in Weights order.
            var weights = new H5File();
            foreach (var (layer, key) in KerasWeightStore.LayerKeys(model.Layers))
                for (int i = 0; i < layer.Weights.Count; i++) Put(weights, $"layers/{key}/vars/{i}", layer.Weights[i].Value);
            ReplaceWeights(path, flat, weights);
            var loaded = Model.Load(flat);
            Assert.Equal(model.Predict(x).ToArray(), loaded.Predict(x).ToArray());
        }
        finally { File.Delete(path); File.Delete(flat); }
    }

    [Fact]
    public void Keras30PrivateAttributeNamesLoad()
    {
        // Keras before 3.0.3 had no public query_dense property: the walk found _query_dense.
        var (model, x) = Nested();
        string path = Temp(".keras"), renamed = Temp(".keras");
        try
        {
            model.Save(path);
            var weights = new H5File();
            foreach (var (p, v) in KerasWeightStore.Paths(model))
                Put(weights, p.Replace("/query_dense/", "/_query_dense/").Replace("/output_dense/", "/_output_dense/"), v.Value);
            ReplaceWeights(path, renamed, weights);
            Assert.Equal(model.Predict(x).ToArray(), Model.Load(renamed).Predict(x).ToArray());
        }
        finally { File.Delete(path); File.Delete(renamed); }
    }

    [Fact]
    public void AMissingNestedWeightNamesItsPath()
    {
        var (model, _) = Nested();
        string path = Temp(".keras"), cut = Temp(".keras");
        try
        {
            model.Save(path);
            var weights = new H5File();
            foreach (var (p, v) in KerasWeightStore.Paths(model))
                if (p != "layers/bidirectional/backward_layer/cell/vars/2") Put(weights, p, v.Value);
            ReplaceWeights(path, cut, weights);
            var e = Assert.Throws<ModelFormatException>(() => Model.Load(cut));
            Assert.Contains("/layers/bidirectional/backward_layer/cell/vars/2", e.Message);
            Assert.Contains("Bidirectional 'bidirectional", e.Message);
        }
        finally { File.Delete(path); File.Delete(cut); }
    }

    [Theory]
    [MemberData(nameof(LayerCatalog.Cases), MemberType = typeof(LayerCatalog))]
    public void EveryCatalogLayerSavesEachWeightOnceAndLoadsBack(LayerCatalog.Entry e)
    {
        var layer = e.Create();
        if (layer is InputLayer) return;
        var inputs = Enumerable.Range(0, e.Inputs).Select(_ => Keras.Input(e.SampleShape)).ToList();
        var output = layer is Graft.Layers.Merging.Merge m ? m.Call(inputs) : layer.Call(inputs[0]);
        var model = new Model(inputs, [output]);
        var paths = KerasWeightStore.Paths(model);
        Assert.Equal(model.Weights.Count, paths.Count);
        Assert.Equal(paths.Count, paths.Select(p => p.Path).Distinct().Count());
        var xs = Enumerable.Range(0, e.Inputs).Select(i => e.Ids > 0
            ? Tensor.FromArray(Enumerable.Range(0, 2 * e.SampleShape.Aggregate(1, (a, b) => a * b)).Select(k => (float)((k + i) % e.Ids)).ToArray(), [2, .. e.SampleShape])
            : Tensor.RandomNormal([2, .. e.SampleShape], generator: new Generator(10 + i))).ToList();
        var expected = model.Call(xs)[0].ToArray();
        foreach (var extension in new[] { ".keras", ".h5" })
        {
            string path = Temp(extension);
            try
            {
                model.Save(path);
                Assert.Equal(expected, Model.Load(path).Call(xs)[0].ToArray());
            }
            finally { File.Delete(path); }
        }
    }
}
