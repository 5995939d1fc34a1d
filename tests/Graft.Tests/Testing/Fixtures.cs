using Graft.Tensors;
using PureHDF;

namespace Graft.Tests.Testing;

/// <summary>The real Keras files in Fixtures/keras (see its MANIFEST.md) and their expected outputs.</summary>
public static class Fixtures
{
    public static string Dir => Path.Combine(AppContext.BaseDirectory, "Fixtures", "keras");
    public static string Keras(string file) => Path.Combine(Dir, file);

    /// <summary>A dataset of a DL4J ".io.h5" fixture (inputs/…, predictions/…, activations/…) as a float tensor.</summary>
    public static Tensor IoDataset(string file, string path)
    {
        using var f = H5File.OpenRead(Keras(file));
        var d = f.Dataset(path);
        var dims = d.Space.Dimensions.Select(x => (int)x).ToArray();
        float[] v = d.Type.Size == 8 ? d.Read<double[]>().Select(x => (float)x).ToArray() : d.Read<float[]>();
        return Tensor.FromArray(v, dims);
    }

    /// <summary>The <c>model.weights.h5</c> inside a <c>.keras</c> fixture, read directly (not through Graft's loader).</summary>
    public static H5Tree KerasZipWeights(string file)
    {
        using var zip = System.IO.Compression.ZipFile.OpenRead(Keras(file));
        using var entry = zip.GetEntry("model.weights.h5")!.Open();
        using var bytes = new MemoryStream();
        entry.CopyTo(bytes);
        return H5Tree.Read(bytes.ToArray());
    }

    /// <summary>Dataset <paramref name="name"/> of <paramref name="group"/> as floats.</summary>
    public static float[] Floats(H5Tree group, string name) => (float[])group.Datasets.Single(d => d.Name == name).Data;

    public static string[] IoNames(string file, string group)
    {
        using var f = H5File.OpenRead(Keras(file));
        return f.Group(group).Children().Select(c => c.Name).ToArray();
    }
}
