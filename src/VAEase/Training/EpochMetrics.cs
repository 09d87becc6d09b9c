namespace VAEase.Training;

/// <summary>One epoch of training, as recorded in metrics.json.</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="Step">Optimiser steps done at the end of the epoch.</param>
/// <param name="Loss">Mean training objective over the epoch's batches.</param>
/// <param name="SquaredError">Mean per-sample sum of squared errors over the epoch's batches (training, sampled code).</param>
/// <param name="LogGamma">log(gamma) at the end of the epoch (VAE family), else null.</param>
/// <param name="LearningRate">Learning rate of the epoch's last step.</param>
/// <param name="Seconds">Wall time of the epoch.</param>
public sealed record EpochMetrics(int Epoch, long Step, double Loss, double SquaredError, double? LogGamma, double LearningRate, double Seconds)
{
    /// <summary>The value of <paramref name="metric"/> in this epoch; null where the run has none (log gamma of an SAE).</summary>
    public double? Value(TrainingMetric metric) => metric switch
    {
        TrainingMetric.Loss => Loss,
        TrainingMetric.Error => SquaredError,
        TrainingMetric.LogGamma => LogGamma,
        TrainingMetric.LearningRate => LearningRate,
        _ => throw new ArgumentOutOfRangeException(nameof(metric)),
    };
}

/// <summary>Progress of a running training, reported after every step.</summary>
public sealed record TrainProgress(int Epoch, int Epochs, long Step, long TotalSteps, double Loss, double? LogGamma, int BatchSize, double LearningRate);
