using Graft.Models;
using Graft.Tests.Testing;

namespace Graft.Tests.Saving;

/// <summary>Every real Keras file either loads or says which class Graft lacks.</summary>
public class FixtureSweepTests
{
    public static IEnumerable<object[]> ModelFiles() =>
        Directory.GetFiles(Fixtures.Dir)
            .Select(Path.GetFileName)
            .Where(f => (f!.EndsWith(".h5") || f.EndsWith(".hdf5") || f.EndsWith(".keras")) && !f.EndsWith(".io.h5"))
            .Order()
            .Select(f => new object[] { f! });

    [Theory]
    [MemberData(nameof(ModelFiles))]
    public void LoadsOrNamesTheMissingClass(string file)
    {
        string path = Fixtures.Keras(file);
        try
        {
            Model model;
            if (file.EndsWith(".weights.h5"))
            {
                string config = Fixtures.Keras(file.Replace(".weights.h5", ".config.json"));
                if (File.Exists(config))
                {
                    model = Model.FromJson(File.ReadAllText(config));
                    model.LoadWeights(path);
                }
                else
                {
                    // A weights-only twin of a full model in the same folder.
                    model = Model.Load(path.Replace(".weights.h5", ".h5"));
                    model.LoadWeights(path);
                }
            }
            else model = Model.Load(path);
            Assert.True(model.Layers.Count > 0);
        }
        catch (NotSupportedException e)
        {
            Assert.Matches("(class|Layer class) '[A-Za-z0-9_]+'", e.Message);
        }
    }
}
