using System.Text.RegularExpressions;
using Graft.Saving;

namespace Graft.Training.Callbacks;

/// <summary>
/// Lets an interrupted <c>Fit</c> continue where it stopped (Keras's <c>BackupAndRestore</c>). At each
/// epoch's end the model, its optimizer's state and the number of finished epochs are saved in
/// <see cref="BackupDir"/>; when <c>Fit</c> starts and a backup is there, the weights and the optimizer
/// state are put back and training resumes at the next epoch. Without shuffling (or with the same
/// random state) the resumed run equals an uninterrupted one.
/// </summary>
/// <remarks>
/// The backup is one <c>.keras</c> file per finished epoch count, <c>epoch-&lt;n&gt;.keras</c>, written
/// beside its target and renamed into place, so a crash never leaves a half-written backup; the older
/// one is removed after the newer is in place. The epoch count lives in the file name, so weights and
/// epoch can never disagree (Keras keeps them in two files). A backup written for another model or
/// optimizer is an error, not a silent restart.
/// </remarks>
public sealed class BackupAndRestore : Callback
{
    private static readonly Regex BackupName = new(@"^epoch-(\d+)\.keras$", RegexOptions.CultureInvariant);
    private int? _restoredEpoch;

    /// <param name="backupDir">Folder for the backup; created when missing. Use one folder per training job.</param>
    /// <param name="saveFreq">When to back up: <c>"epoch"</c> (Keras's default; the only choice Graft supports).</param>
    /// <param name="deleteCheckpoint">Remove the backup when <c>Fit</c> ends normally (Keras's default).</param>
    /// <exception cref="ArgumentException"><paramref name="backupDir"/> is empty.</exception>
    /// <exception cref="NotSupportedException"><paramref name="saveFreq"/> is a number of batches.</exception>
    public BackupAndRestore(string backupDir, string saveFreq = "epoch", bool deleteCheckpoint = true)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(backupDir);
        if (saveFreq != "epoch")
        {
            if (int.TryParse(saveFreq, out _))
                throw new NotSupportedException($"BackupAndRestore: expected save_freq 'epoch', got {saveFreq} batches; backing up inside an epoch is not supported by Graft yet.");
            throw new ArgumentException($"BackupAndRestore: expected save_freq 'epoch', got '{saveFreq}'.", nameof(saveFreq));
        }
        BackupDir = backupDir; SaveFreq = saveFreq; DeleteCheckpoint = deleteCheckpoint;
    }

    /// <summary>Folder holding the backup.</summary>
    public string BackupDir { get; }
    /// <summary>When the backup is written (<c>"epoch"</c>).</summary>
    public string SaveFreq { get; }
    /// <summary>Whether the backup is removed when training ends normally.</summary>
    public bool DeleteCheckpoint { get; }

    /// <inheritdoc/>
    internal override int? InitialEpoch => _restoredEpoch;

    /// <inheritdoc/>
    internal override bool WritesFiles => true;

    /// <summary>Restores the latest backup, if any: weights, optimizer state, and the epoch to start from.</summary>
    /// <exception cref="InvalidOperationException">The backup belongs to another model or optimizer.</exception>
    /// <exception cref="NotSupportedException">The optimizer is a custom one whose state Graft cannot save.</exception>
    public override void OnTrainBegin(IReadOnlyDictionary<string, double> logs)
    {
        _restoredEpoch = null;
        // Restoring weights without the optimizer's state would continue a different run.
        if (Model.Optimizer is { KerasSlotGroups: null } custom)
            throw new NotSupportedException($"BackupAndRestore: expected an optimizer whose state Graft saves (SGD, Adam, AdamW, RMSprop, Adagrad, Nadam), got {custom.GetType().Name}.");
        if (Latest() is not { } latest) return;
        OptimizerState.RestoreInto(Model, latest.Path, "BackupAndRestore");
        _restoredEpoch = latest.Epochs;
    }

    /// <summary>Backs up the model after epoch <paramref name="epoch"/> (0-based), then drops older backups.</summary>
    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        Directory.CreateDirectory(BackupDir);
        string path = Path.Combine(BackupDir, $"epoch-{epoch + 1}.keras");
        Model.Save(path);
        foreach (var old in Backups())
            if (old.Epochs != epoch + 1) File.Delete(old.Path);
    }

    /// <summary>Removes the backup files (and the folder, when nothing else is in it) if <see cref="DeleteCheckpoint"/>.</summary>
    public override void OnTrainEnd(IReadOnlyDictionary<string, double> logs)
    {
        if (!DeleteCheckpoint || !Directory.Exists(BackupDir)) return;
        foreach (var b in Backups()) File.Delete(b.Path);
        // Only files this callback wrote are removed: the folder goes only when it is left empty.
        if (!Directory.EnumerateFileSystemEntries(BackupDir).Any()) Directory.Delete(BackupDir);
    }

    private (string Path, int Epochs)? Latest() => Backups().OrderByDescending(b => b.Epochs).Select(b => ((string, int)?)b).FirstOrDefault();

    private List<(string Path, int Epochs)> Backups()
    {
        if (!Directory.Exists(BackupDir)) return [];
        var list = new List<(string, int)>();
        foreach (var f in Directory.EnumerateFiles(BackupDir))
            if (BackupName.Match(System.IO.Path.GetFileName(f)) is { Success: true } m && int.TryParse(m.Groups[1].Value, out int n))
                list.Add((f, n));
        return list;
    }
}
