using VAEase.IO;

namespace VAEase.Training;

/// <summary>The files a training run writes in its folder, and what a failed run leaves there. A run writes its config
/// first and its results last (<see cref="Results"/>); in between, checkpoints, our temp files and the lock. A run that
/// stops with an error and no checkpoint cannot be resumed, so what it wrote only blocks the corrected rerun: it is
/// removed (<see cref="AfterFailure"/>), and what a killed run left is replaced by the next run into the folder
/// (<see cref="ClearForNewRun"/>). Files of no run are never touched.</summary>
/// <param name="ConfigFile">The run's config, written first (config.json, gan.json, score.json).</param>
/// <param name="Results">The files a finished run has, written at its end (weights, metrics.json).</param>
/// <param name="Others">Other files the run writes (normalization.safetensors, a sample grid).</param>
public sealed record RunFiles(string ConfigFile, IReadOnlyList<string> Results, IReadOnlyList<string> Others)
{
    /// <summary>The files of `vaease train`.</summary>
    public static RunFiles Autoencoder { get; } = new(ModelStore.ConfigFile, [ModelStore.WeightsFile, Trainer.MetricsFile], [Data.Normalization.File]);

    /// <summary>Where a folder stands for a training into it.</summary>
    public enum State
    {
        /// <summary>Missing, or holding nothing but a lock file.</summary>
        Empty,
        /// <summary>All its results are there.</summary>
        Finished,
        /// <summary>Not finished, with a checkpoint to continue from (--resume).</summary>
        Resumable,
        /// <summary>Only files of a run that is neither finished nor resumable.</summary>
        Failed,
        /// <summary>Holds a file or folder that no run writes.</summary>
        Foreign,
    }

    /// <summary>Whether a run writes a file or folder of this name (its config, results, other files, checkpoints, lock, temp files).</summary>
    public bool IsOwn(string name) =>
        name == ConfigFile || Results.Contains(name) || Others.Contains(name) || name == RunLock.FileName ||
        name is Checkpoint.Name or Checkpoint.Name + ".tmp" or Checkpoint.Name + ".old" ||
        (TempFiles.IsTemp(name, out string target, out _) && IsOwn(target));

    /// <summary>Whether every result of a finished run is in <paramref name="dir"/>.</summary>
    public bool IsFinished(string dir) => Results.All(r => File.Exists(Path.Combine(dir, r)));

    /// <summary>Whether a name in a run folder is not a file of any run's content: the lock, or a stale temp file.</summary>
    public static bool IsDebris(string path) => Path.GetFileName(path) == RunLock.FileName || TempFiles.IsStale(path);

    public State Inspect(string dir)
    {
        if (!Directory.Exists(dir)) return State.Empty;
        string[] names = [.. Directory.EnumerateFileSystemEntries(dir).Select(Path.GetFileName).OfType<string>().Where(n => n != RunLock.FileName)];
        if (names.Length == 0) return State.Empty;
        if (!names.All(IsOwn)) return State.Foreign;
        if (IsFinished(dir)) return State.Finished;
        return Checkpoint.Find(dir) is null ? State.Failed : State.Resumable;
    }

    /// <summary>Makes <paramref name="dir"/> ready for a new run: a missing or empty folder is; the files of a failed run
    /// are removed (returns true, for the caller to say so); a finished run, a resumable one or files of no run are
    /// refused, since a run can be hours of work. Call it holding the folder's <see cref="RunLock"/>.</summary>
    public bool ClearForNewRun(string dir)
    {
        switch (Inspect(dir))
        {
            case State.Empty: return false;
            case State.Failed:
                RemoveOwn(dir);
                return true;
            case State.Finished:
                throw new VAEaseException($"{dir} holds a finished run ({string.Join(", ", Results)}); use another --out, or remove the folder to train again");
            case State.Resumable:
                throw new VAEaseException($"{dir} holds an unfinished run with a checkpoint; continue it with --resume, or remove the folder to start over");
            default:
                throw new VAEaseException($"output folder {dir} is not empty (use a new folder, or --resume to continue the run in it)");
        }
    }

    /// <summary>After a run in <paramref name="dir"/> failed: results of an end that did not complete go (a resume writes
    /// them again), as do a half-written checkpoint and stale temp files; a run without a checkpoint, which nothing can
    /// continue, loses every file it wrote. A finished run is left as it is.</summary>
    public void AfterFailure(string dir)
    {
        try
        {
            State state = Inspect(dir);
            if (state is State.Empty or State.Finished or State.Foreign) return;
            foreach (string result in Results) Delete(Path.Combine(dir, result));
            Delete(Path.Combine(dir, Checkpoint.Name + ".tmp"));
            TempFiles.RemoveStale(dir);
            if (Checkpoint.Find(dir) is null) RemoveOwn(dir);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The run's own error is what the user needs to see; what stays is replaced by the next run (ClearForNewRun).
        }
    }

    /// <summary>Empties a run folder for a run that replaces whatever run is there (`vaease demo`): every file of a run
    /// goes, finished or not; a folder that also holds files of no run is refused, never deleted.</summary>
    public void Clear(string dir)
    {
        if (Inspect(dir) == State.Foreign)
            throw new VAEaseException($"{dir} holds files that no run writes; it is not replaced (use another --out, or remove them)");
        if (Directory.Exists(dir)) RemoveOwn(dir);
    }

    /// <summary>Removes every file and folder of the run's naming but the lock (its holder removes it).</summary>
    private void RemoveOwn(string dir)
    {
        foreach (string path in Directory.EnumerateFileSystemEntries(dir).ToList())
            if (Path.GetFileName(path) is { } name && name != RunLock.FileName && IsOwn(name)) Delete(path);
    }

    private static void Delete(string path)
    {
        if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
        else if (File.Exists(path)) File.Delete(path);
    }
}
