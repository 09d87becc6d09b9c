using System.Security.Cryptography;
using System.Text;
using VAEase.IO;

namespace VAEase.Training;

/// <summary>Where a run stands: enough to continue it bit-for-bit (weights, Adam moments, the noise
/// generator, the position in the epoch and the metrics so far), sealed with checksums so that an edited or
/// damaged checkpoint is refused instead of resumed.</summary>
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

    /// <summary>SHA-256 (hex) of each other file of the checkpoint folder, by file name.</summary>
    public SortedDictionary<string, string> Files { get; init; } = new(StringComparer.Ordinal);

    /// <summary>SHA-256 (hex) of this state as JSON with an empty checksum, so that an edit of any field is seen.</summary>
    public string Checksum { get; init; } = "";

    /// <summary>This state with <see cref="Checksum"/> set to the hash of its other fields.</summary>
    public CheckpointState Sealed() => this with { Checksum = Hash(Json.Serialize(this with { Checksum = "" })) };

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>Null if a run of <paramref name="epochs"/> epochs of <paramref name="batchesPerEpoch"/> batches can stand
    /// where this state says it does (the step, epoch, batch and history agree with each other and with the run), else the problem.</summary>
    public string? PositionProblem(int epochs, int batchesPerEpoch)
    {
        if (Epoch < 0 || Epoch >= epochs) return $"epoch {Epoch} is outside the run's epochs 0..{epochs - 1}";
        if (Batch < 0 || Batch >= batchesPerEpoch) return $"batch {Batch} is outside an epoch of {batchesPerEpoch} batches";
        if (Step != (long)Epoch * batchesPerEpoch + Batch)
            return $"step {Step} is not where epoch {Epoch} batch {Batch} stands (step {(long)Epoch * batchesPerEpoch + Batch} with {batchesPerEpoch} batches per epoch)";
        if (History.Count != Epoch) return $"the history has {History.Count} epochs, but the run is in epoch {Epoch}";
        for (int i = 0; i < History.Count; i++)
            if (History[i].Epoch != i + 1 || History[i].Step != (i + 1L) * batchesPerEpoch)
                return $"history entry {i + 1} records epoch {History[i].Epoch} ending at step {History[i].Step}, not epoch {i + 1} at step {(i + 1L) * batchesPerEpoch}";
        if (!double.IsFinite(EpochLossSum) || !double.IsFinite(EpochErrorSum)) return "the epoch's running sums are not finite";
        if (!(EpochSeconds >= 0) || !double.IsFinite(EpochSeconds)) return $"the epoch's time {EpochSeconds} s is not a duration";
        return null;
    }
}
