using System.Text.Json.Serialization;

namespace VAEase.Training;

/// <summary>A per-epoch training quantity of <see cref="EpochMetrics"/>, as `vaease plot training` draws it.</summary>
public enum TrainingMetric
{
    /// <summary>Mean training objective over the epoch.</summary>
    Loss,
    /// <summary>Mean per-sample squared error over the epoch (training, sampled code).</summary>
    Error,
    /// <summary>log(gamma) at the epoch's end (VAE family only).</summary>
    LogGamma,
    /// <summary>Learning rate of the epoch's last step.</summary>
    [JsonStringEnumMemberName("lr")] LearningRate,
    /// <summary>Mean per-sample active dims on the probe rows at the epoch's end.</summary>
    ActiveDims,
    /// <summary>Latents off on every probe row at the epoch's end.</summary>
    [JsonStringEnumMemberName("dead")] DeadLatents,
    /// <summary>Dead latents reopened at the epoch's end (VAE family).</summary>
    Reopened,
}
