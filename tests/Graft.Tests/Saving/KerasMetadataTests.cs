using System.IO.Compression;
using System.Text.Json.Nodes;
using Graft.Layers.Core;
using Graft.Models;
using Graft.Saving;
using Graft.Tensors;
using Graft.Tests.Testing;

namespace Graft.Tests.Saving;

/// <summary>Class names carried in a .keras archive's metadata.json, beside what Keras writes there.</summary>
public class KerasMetadataTests
{
    [Fact]
    public void ClassNamesRoundTripAndTheModelStillLoads()
    {
        string dir = Directory.CreateTempSubdirectory("graft-meta").FullName;
        try
        {
            var model = new Sequential([new Dense(3, activation: "softmax", inputShape: [4])]);
            string path = Path.Combine(dir, "m.keras");
            model.Save(path);
            Assert.Null(KerasMetadata.ReadClassNames(path));
            KerasMetadata.WriteClassNames(path, ["cat", "dog", "émeu"]);
            Assert.Equal(["cat", "dog", "émeu"], KerasMetadata.ReadClassNames(path));

            // Keras's own keys stay; the model loads with the same weights.
            using (var zip = ZipFile.OpenRead(path))
            using (var r = new StreamReader(zip.GetEntry("metadata.json")!.Open()))
            {
                var meta = JsonNode.Parse(r.ReadToEnd())!.AsObject();
                Assert.True(meta.ContainsKey("keras_version"));
                Assert.True(meta.ContainsKey("date_saved"));
            }
            var x = Tensor.RandomNormal([2, 4]);
            Assertions.Close(model.Predict(x), Model.Load(path).Predict(x));

            // Rewriting replaces the list.
            KerasMetadata.WriteClassNames(path, ["a", "b", "c"]);
            Assert.Equal(["a", "b", "c"], KerasMetadata.ReadClassNames(path));

            string h5 = Path.Combine(dir, "m.h5");
            model.Save(h5);
            Assert.Null(KerasMetadata.ReadClassNames(h5));
            var ex = Assert.Throws<ArgumentException>(() => KerasMetadata.WriteClassNames(h5, ["a"]));
            Assert.Contains("expected a .keras archive, got", ex.Message);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void MalformedClassNamesNameTheFileAndKey()
    {
        string dir = Directory.CreateTempSubdirectory("graft-meta").FullName;
        try
        {
            string path = Path.Combine(dir, "m.keras");
            new Sequential([new Dense(2, inputShape: [3])]).Save(path);
            using (var zip = ZipFile.Open(path, ZipArchiveMode.Update))
            {
                zip.GetEntry("metadata.json")!.Delete();
                using var w = new StreamWriter(zip.CreateEntry("metadata.json").Open());
                w.Write("""{"keras_version": "3.5.0", "class_names": [1, 2]}""");
            }
            var ex = Assert.Throws<ModelFormatException>(() => KerasMetadata.ReadClassNames(path));
            Assert.Contains("metadata.json/class_names", ex.Message);
            Assert.Contains("expected a list of strings, got [1,2]", ex.Message);
        }
        finally { Directory.Delete(dir, true); }
    }
}
