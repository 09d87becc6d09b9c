namespace VAEase.Training;

/// <summary>One epoch of training, as recorded in metrics.json.</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="Step">Optimiser steps done at the end of the epoch.</param>
/// <param name="Loss">Mean training objective over the epoch's batches.</param>
/// <param name="SquaredError">Mean per-sample sum of squared errors over the epoch's batches (training, sampled code).</param>
/// <param name="LogGamma">log(gamma) at the end of the epoch (VAE family), else null.</param>
/// <param name="LearningRate">Learning rate of the epoch's last step.</param>
/// <param name="Seconds">Wall time of the epoch.</param>
/// <param name="ActiveDims">Mean per-sample active dims at the epoch's end on a fixed probe of training rows (see <see cref="LatentMonitor"/>).</param>
/// <param name="DeadLatents">Latents off on every probe row at the epoch's end.</param>
/// <param name="Reopened">Dead latents put back on trial at the epoch's end (VAE family).</param>
public sealed record EpochMetrics(int Epoch, long Step, double Loss, double SquaredError, double? LogGamma, double LearningRate, double Seconds,
    double? ActiveDims = null, int? DeadLatents = null, int? Reopened = null)
{
    /// <summary>The value of <paramref name="metric"/> in this epoch; null where the run has none (log gamma of an SAE).</summary>
    public double? Value(TrainingMetric metric) => metric switch
    {
        TrainingMetric.Loss => Loss,
        TrainingMetric.Error => SquaredError,
        TrainingMetric.LogGamma => LogGamma,
        TrainingMetric.LearningRate => LearningRate,
        TrainingMetric.ActiveDims => ActiveDims,
        TrainingMetric.DeadLatents => DeadLatents,
        TrainingMetric.Reopened => Reopened,
        _ => throw new ArgumentOutOfRangeException(nameof(metric)),
    };
}

/// <summary>Progress of a running training, reported after every step.</summary>
/// <param name="Epoch">1-based epoch in progress, of <paramref name="Epochs"/>.</param>
/// <param name="Epochs">Epochs of the run.</param>
/// <param name="Step">Optimiser steps done, of <paramref name="TotalSteps"/>.</param>
/// <param name="TotalSteps">Optimiser steps of the run.</param>
/// <param name="Loss">The step's loss.</param>
/// <param name="LogGamma">log(gamma) after the step (VAE family).</param>
/// <param name="BatchSize">Samples per step.</param>
/// <param name="LearningRate">The step's learning rate.</param>
/// <param name="Latents">The latest epoch-end check of the latents, if any (the other fields: where the run stands after the step).</param>
public sealed record TrainProgress(int Epoch, int Epochs, long Step, long TotalSteps, double Loss, double? LogGamma, int BatchSize, double LearningRate,
    LatentCheck? Latents = null);
