using Graft.Layers.Core;
using Graft.Models;
using Graft.Saving;

namespace Graft.Tests.Saving;

/// <summary>
/// Saves write a temporary file beside the target and rename it into place. A save killed midway
/// leaves its temporary file (<c>.&lt;name&gt;.&lt;guid&gt;.tmp</c>); the next save of the same target
/// deletes it, leaves other targets' files and files a live save still holds, and the target stays whole.
/// </summary>
public class AtomicFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("graft-atomic-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Sequential Model()
    {
        using var context = new GraftContext(seed: 5).Use();
        return new Sequential([new Dense(4, activation: "relu", inputShape: [3]), new Dense(2)]);
    }

    /// <summary>What a killed save leaves: a partly written temporary file, last written before the next save.</summary>
    private string KilledSaveTemp(string target)
    {
        string temp = Path.Combine(_dir, $".{target}.{Guid.NewGuid():N}.tmp");
        File.WriteAllBytes(temp, new byte[4096]);
        File.SetLastWriteTimeUtc(temp, DateTime.UtcNow.AddMinutes(-5));
        return temp;
    }

    [Theory]
    [InlineData("model.h5")]
    [InlineData("model.keras")]
    public void SaveDeletesTempFilesOfKilledSavesOfTheSameTarget(string target)
    {
        var model = Model();
        string path = Path.Combine(_dir, target);
        model.Save(path);
        string stale = KilledSaveTemp(target), stale2 = KilledSaveTemp(target);
        string otherTarget = KilledSaveTemp("other" + Path.GetExtension(target));
        string notATemp = Path.Combine(_dir, $".{target}.notes.tmp");
        File.WriteAllText(notATemp, "kept");

        model.Save(path);

        Assert.False(File.Exists(stale), "the killed save's temporary file is still there");
        Assert.False(File.Exists(stale2), "the second killed save's temporary file is still there");
        Assert.True(File.Exists(otherTarget), "another target's temporary file was deleted");
        Assert.True(File.Exists(notATemp), "a file that is not a save's temporary file was deleted");
        var loaded = Graft.Models.Model.Load(path);
        foreach (var (a, b) in model.GetWeights().Zip(loaded.GetWeights()))
            Assert.Equal(a.ToArray(), b.ToArray());
    }

    [Fact]
    public void SaveLeavesTheTempFileOfASaveStillInProgress()
    {
        string path = Path.Combine(_dir, "model.h5");
        string live = KilledSaveTemp("model.h5");
        // A save in another process holds its temporary file open exclusively while writing.
        using (new FileStream(live, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
            Model().Save(path);
        Assert.True(File.Exists(live));
    }

    [Fact]
    public void TempFilesNewerThanTheSaveAreLeftAlone()
    {
        string target = Path.Combine(_dir, "model.h5");
        string temp = KilledSaveTemp("model.h5");
        AtomicFile.DeleteStaleTemps(target, before: File.GetLastWriteTimeUtc(temp));
        Assert.True(File.Exists(temp));
        AtomicFile.DeleteStaleTemps(target, before: DateTime.UtcNow);
        Assert.False(File.Exists(temp));
    }
}
