using System.IO.Compression;
using System.Text.Json.Nodes;
using Graft.Data;
using Graft.Layers.Core;
using Graft.Layers.Merging;
using Graft.Tensors;
using Graft.Tests.Testing;
using static Graft.Tests.Testing.GraftCommand;

namespace Graft.Tests.Cli;

/// <summary>graft predict with several inputs and outputs, through .npz archives.</summary>
[Collection(ConsoleCollection.Name)]
public class CliPredictTests
{
    private static Graft.Models.Model TwoInTwoOut()
    {
        var a = Graft.Keras.Input([4], name: "features");
        var b = Graft.Keras.Input([3], name: "extra");
        var h = new Dense(8, activation: "relu", name: "trunk").Call(new Concatenate(name: "join").Call([a, b]));
        return new Graft.Models.Model([a, b], [new Dense(1, activation: "sigmoid", name: "score").Call(h), new Dense(5, activation: "softmax", name: "classes").Call(h)]);
    }

    [Fact]
    public void PredictWritesEveryOutputIntoAnNpzKeyedByOutputName()
    {
        string dir = Directory.CreateTempSubdirectory("graft-cli").FullName;
        try
        {
            var model = TwoInTwoOut();
            string file = Path.Combine(dir, "two.keras");
            model.Save(file);
            var xa = Tensor.RandomNormal([9, 4]);
            var xb = Tensor.RandomNormal([9, 3]);
            var expected = model.PredictOutputs([xa, xb]);

            string named = Path.Combine(dir, "x.npz"), y = Path.Combine(dir, "y.npz");
            Npz.Save(named, new Dictionary<string, Tensor> { ["extra"] = xb, ["features"] = xa });
            var (code, text, err) = Run("predict", file, "--input", named, "--output", y, "--batch-size", "4");
            Assert.True(code == 0, err);
            var outputs = Npz.Load(y);
            Assert.Equal(["score", "classes"], outputs.Keys);
            Assertions.Close(expected[0], outputs["score"]);
            Assertions.Close(expected[1], outputs["classes"]);
            Assert.Contains("[classes]: (9, 5)", text);

            // np.savez(f, xa, xb): arr_0, arr_1 in input order.
            string positional = Path.Combine(dir, "p.npz"), y2 = Path.Combine(dir, "y2.npz");
            Npz.Save(positional, new Dictionary<string, Tensor> { ["arr_0"] = xa, ["arr_1"] = xb });
            (code, _, err) = Run("predict", file, "--input", positional, "--output", y2);
            Assert.True(code == 0, err);
            Assertions.Close(expected[1], Npz.Load(y2)["classes"]);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void PredictRefusesANpyOutputForSeveralOutputsAndMismatchedInputs()
    {
        string dir = Directory.CreateTempSubdirectory("graft-cli").FullName;
        try
        {
            string file = Path.Combine(dir, "two.keras");
            TwoInTwoOut().Save(file);
            string x = Path.Combine(dir, "x.npz");
            Npz.Save(x, new Dictionary<string, Tensor> { ["features"] = Tensor.Zeros(2, 4), ["extra"] = Tensor.Zeros(2, 3) });
            var (code, _, err) = Run("predict", file, "--input", x, "--output", Path.Combine(dir, "y.npy"));
            Assert.Equal(2, code);
            Assert.Contains("expected an .npz output path for a model with 2 outputs (score, classes)", err);
            Assert.Contains("a .npy file holds one array", err);
            Assert.False(File.Exists(Path.Combine(dir, "y.npy")));

            string wrong = Path.Combine(dir, "wrong.npz");
            Npz.Save(wrong, new Dictionary<string, Tensor> { ["features"] = Tensor.Zeros(2, 4), ["other"] = Tensor.Zeros(2, 3) });
            (code, _, err) = Run("predict", file, "--input", wrong, "--output", Path.Combine(dir, "y.npz"));
            Assert.Equal(1, code);
            Assert.Contains("expected arrays named (features, extra) or (arr_0, arr_1) in input order, got (features, other)", err);

            string badShape = Path.Combine(dir, "shape.npz");
            Npz.Save(badShape, new Dictionary<string, Tensor> { ["features"] = Tensor.Zeros(2, 4), ["extra"] = Tensor.Zeros(2, 7) });
            (code, _, err) = Run("predict", file, "--input", badShape, "--output", Path.Combine(dir, "y.npz"));
            Assert.Equal(1, code);
            Assert.Contains("[extra]: expected an array of shape (None, 3) (any number of samples) for input 'extra', got (2, 7)", err);

            string npy = Path.Combine(dir, "one.npy");
            Npy.Save(npy, Tensor.Zeros(2, 4));
            (code, _, err) = Run("predict", file, "--input", npy, "--output", Path.Combine(dir, "y.npz"));
            Assert.Equal(1, code);
            Assert.Contains("expected 2 inputs (features, extra), got one array", err);

            (code, _, err) = Run("predict", file, "--input", x, "--output", Path.Combine(dir, "y.csv"));
            Assert.Equal(2, code);
            Assert.Contains("expected --output to name a .npy or .npz file", err);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void PredictReadsASingleInputFromAnNpzAsNumPyWritesIt()
    {
        string dir = Directory.CreateTempSubdirectory("graft-cli").FullName;
        try
        {
            // Both fixture archives hold the CNN's input and its expected output; keep only the input.
            var arrays = Npz.Load(Path.Combine(AppContext.BaseDirectory, "Fixtures", "npz", "cnn_batch_norm_named.npz"));
            string x = Path.Combine(dir, "x.npz"), y = Path.Combine(dir, "y.npz");
            Npz.Save(x, new Dictionary<string, Tensor> { ["x"] = arrays["x"] });
            var (code, _, err) = Run("predict", Fixtures.Keras("k2.1.3_dl4j_cnn_batch_norm.h5"), "--input", x, "--output", y);
            Assert.True(code == 0, err);
            var outputs = Npz.Load(y);
            Assertions.Close(arrays["y"], outputs.Values.Single(), 1e-4f);
            // Two arrays for one input are ambiguous.
            (code, _, err) = Run("predict", Fixtures.Keras("k2.1.3_dl4j_cnn_batch_norm.h5"), "--input", Path.Combine(AppContext.BaseDirectory, "Fixtures", "npz", "cnn_batch_norm_named.npz"), "--output", y);
            Assert.Equal(1, code);
            Assert.Contains("got (x, y)", err);
        }
        finally { Directory.Delete(dir, true); }
    }
}
