using TorchSharp;
using VAEase.IO;
using VAEase.Models;
using static TorchSharp.torch;

namespace VAEase.Training;

/// <summary>Atomic checkpoints in DIR/checkpoint: files are written to DIR/checkpoint.tmp, which then
/// replaces DIR/checkpoint by renames, so an interruption at any moment leaves one complete checkpoint.
/// The state records the SHA-256 of every file and of itself, and a resume checks them, and the position
/// against the run, before it uses anything: a checkpoint that was edited or damaged is refused, not resumed.</summary>
public static class Checkpoint
{
    internal const string Name = "checkpoint";
    const string StateFile = "state.json", OptimizerFile = "optimizer.safetensors";

    public static void Save(string outDir, SparseAutoencoder model, AdamOptimizer optimizer, CheckpointState state) =>
        Save(outDir, state, dir =>
        {
            ModelStore.SaveWeights(Path.Combine(dir, ModelStore.WeightsFile), model);
            optimizer.Save(Path.Combine(dir, OptimizerFile));
        });

    /// <summary>Writes a checkpoint whose files <paramref name="writeFiles"/> puts in the folder it is given,
    /// beside the state (which records their checksums), and swaps it in atomically.</summary>
    public static void Save(string outDir, CheckpointState state, Action<string> writeFiles)
    {
        string final = Path.Combine(outDir, Name), tmp = final + ".tmp", old = final + ".old";
        if (Directory.Exists(tmp)) Directory.Delete(tmp, recursive: true);
        Directory.CreateDirectory(tmp);
        writeFiles(tmp);
        WriteState(tmp, state);
        if (Directory.Exists(old)) Directory.Delete(old, recursive: true);
        if (Directory.Exists(final)) Directory.Move(final, old);
        Directory.Move(tmp, final);
        if (Directory.Exists(old)) Directory.Delete(old, recursive: true);
    }

    /// <summary>Writes <paramref name="state"/> into a checkpoint folder, sealed with the checksums of the folder's other files and its own.</summary>
    internal static void WriteState(string checkpointDir, CheckpointState state)
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (string file in Directory.GetFiles(checkpointDir).Where(f => Path.GetFileName(f) != StateFile))
            files[Path.GetFileName(file)] = Manifest.HashFile(file);
        Json.Write(Path.Combine(checkpointDir, StateFile), (state with { Files = files }).Sealed());
    }

    /// <summary>The newest complete checkpoint's folder, or null.</summary>
    public static string? Find(string outDir)
    {
        foreach (string name in new[] { Name, Name + ".old" })
        {
            string dir = Path.Combine(outDir, name);
            if (File.Exists(Path.Combine(dir, StateFile))) return dir;
        }
        return null;
    }

    /// <summary>Restores weights and optimiser state of the checkpoint whose <paramref name="state"/> <see cref="Open"/> read,
    /// in place, once the weights' names, shapes and values fit the model (<paramref name="owner"/>: what it was built
    /// from) and the optimiser's step count is the state's.</summary>
    public static void Restore(string checkpointDir, CheckpointState state, SparseAutoencoder model, AdamOptimizer optimizer, string owner)
    {
        ModelStore.LoadWeights(Path.Combine(checkpointDir, ModelStore.WeightsFile), model, owner);
        optimizer.Load(Path.Combine(checkpointDir, OptimizerFile));
        if (optimizer.Steps != state.Step) throw Refused(checkpointDir, $"the optimizer has taken {optimizer.Steps} steps, the state says {state.Step}");
    }

    /// <summary>The state of a checkpoint folder to resume from: its own checksum and those of the folder's files must match
    /// (the folder holding exactly the files it lists).</summary>
    public static CheckpointState Open(string checkpointDir)
    {
        CheckpointState state = ReadState(checkpointDir);
        if (state.Checksum.Length == 0) throw Refused(checkpointDir, "it has no checksum (an edited file, or one written by an older vaease)");
        if (state.Sealed().Checksum != state.Checksum) throw Refused(checkpointDir, "its checksum does not match its content (edited or damaged)");
        string[] present = [.. Directory.GetFiles(checkpointDir).Select(Path.GetFileName).Where(f => f != StateFile).Order(StringComparer.Ordinal)!];
        if (!present.SequenceEqual(state.Files.Keys))
            throw Refused(checkpointDir, $"it lists the files {string.Join(", ", state.Files.Keys)}, the folder holds {string.Join(", ", present)}");
        foreach (var (file, hash) in state.Files)
            if (Manifest.HashFile(Path.Combine(checkpointDir, file)) != hash)
                throw Refused(checkpointDir, $"{file} does not match its checksum (edited or damaged)");
        return state;
    }

    /// <summary>Throws unless a run of <paramref name="epochs"/> epochs of <paramref name="batchesPerEpoch"/> batches can stand where <paramref name="state"/> says.</summary>
    public static void CheckPosition(string checkpointDir, CheckpointState state, int epochs, int batchesPerEpoch)
    {
        if (state.PositionProblem(epochs, batchesPerEpoch) is { } problem) throw Refused(checkpointDir, problem);
    }

    /// <summary>Puts the noise generator where the state left it; the saved state must be one of this generator's.</summary>
    public static void RestoreNoise(string checkpointDir, CheckpointState state, Generator noise)
    {
        byte[] bytes;
        try { bytes = Convert.FromBase64String(state.NoiseState); }
        catch (FormatException) { throw Refused(checkpointDir, "its noise_state is not base64"); }
        using Tensor current = noise.get_state();
        if (bytes.LongLength != current.numel()) throw Refused(checkpointDir, $"its noise_state has {bytes.Length} bytes, the noise generator's state {current.numel()}");
        using var saved = tensor(bytes);
        noise.set_state(saved);
    }

    /// <summary>The position saved in a checkpoint folder, as written (unchecked: for reports on a run in progress).</summary>
    public static CheckpointState ReadState(string checkpointDir) => Json.Read<CheckpointState>(Path.Combine(checkpointDir, StateFile));

    private static VAEaseException Refused(string checkpointDir, string problem) =>
        new($"{Path.Combine(checkpointDir, StateFile)}: {problem}; refusing to resume from this checkpoint");

    public static void Delete(string outDir)
    {
        foreach (string name in new[] { Name, Name + ".tmp", Name + ".old" })
        {
            string dir = Path.Combine(outDir, name);
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }
}
