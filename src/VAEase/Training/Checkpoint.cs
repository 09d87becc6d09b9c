using TorchSharp;
using VAEase.IO;
using VAEase.Models;
using static TorchSharp.torch;

namespace VAEase.Training;

/// <summary>Where a run stands: enough to continue it bit-for-bit (weights, Adam moments, the noise
/// generator, the position in the epoch and the metrics so far).</summary>
public sealed record CheckpointState
{
    /// <summary>Optimiser steps done.</summary>
    public long Step { get; init; }

    /// <summary>0-based epoch in progress.</summary>
    public int Epoch { get; init; }

    /// <summary>Batches of that epoch already done.</summary>
    public int Batch { get; init; }

    /// <summary>Running sums of the epoch in progress: loss, squared error, and its wall seconds.</summary>
    public double EpochLossSum { get; init; }
    public double EpochErrorSum { get; init; }
    public double EpochSeconds { get; init; }

    /// <summary>The noise generator's state (base64 of torch's byte state).</summary>
    public string NoiseState { get; init; } = "";

    /// <summary>Metrics of the finished epochs.</summary>
    public List<EpochMetrics> History { get; init; } = [];
}

/// <summary>Atomic checkpoints in DIR/checkpoint: files are written to DIR/checkpoint.tmp, which then
/// replaces DIR/checkpoint by renames, so an interruption at any moment leaves one complete checkpoint.</summary>
public static class Checkpoint
{
    const string Name = "checkpoint", StateFile = "state.json", OptimizerFile = "optimizer.safetensors";

    public static void Save(string outDir, SparseAutoencoder model, AdamOptimizer optimizer, CheckpointState state) =>
        Save(outDir, state, dir =>
        {
            ModelStore.SaveWeights(Path.Combine(dir, ModelStore.WeightsFile), model);
            optimizer.Save(Path.Combine(dir, OptimizerFile));
        });

    /// <summary>Writes a checkpoint whose files <paramref name="writeFiles"/> puts in the folder it is given,
    /// beside the state, and swaps it in atomically.</summary>
    public static void Save(string outDir, CheckpointState state, Action<string> writeFiles)
    {
        string final = Path.Combine(outDir, Name), tmp = final + ".tmp", old = final + ".old";
        if (Directory.Exists(tmp)) Directory.Delete(tmp, recursive: true);
        Directory.CreateDirectory(tmp);
        writeFiles(tmp);
        Json.Write(Path.Combine(tmp, StateFile), state);
        if (Directory.Exists(old)) Directory.Delete(old, recursive: true);
        if (Directory.Exists(final)) Directory.Move(final, old);
        Directory.Move(tmp, final);
        if (Directory.Exists(old)) Directory.Delete(old, recursive: true);
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

    /// <summary>Restores weights and optimiser state in place and returns the position.</summary>
    public static CheckpointState Restore(string checkpointDir, SparseAutoencoder model, AdamOptimizer optimizer)
    {
        ModelStore.LoadWeights(Path.Combine(checkpointDir, ModelStore.WeightsFile), model, "the model of the run");
        optimizer.Load(Path.Combine(checkpointDir, OptimizerFile));
        return ReadState(checkpointDir);
    }

    /// <summary>The position saved in a checkpoint folder.</summary>
    public static CheckpointState ReadState(string checkpointDir) => Json.Read<CheckpointState>(Path.Combine(checkpointDir, StateFile));

    public static void Delete(string outDir)
    {
        foreach (string name in new[] { Name, Name + ".tmp", Name + ".old" })
        {
            string dir = Path.Combine(outDir, name);
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }
}
