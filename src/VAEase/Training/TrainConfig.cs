using VAEase.Networks;

namespace VAEase.Training;

/// <summary>The optimisation recipe (spec §2). Immutable: derive with `with`.</summary>
public sealed record TrainConfig
{
    /// <summary>Passes over the training split (with <see cref="StopWhenSettled"/>: the most it may take).</summary>
    public int Epochs { get; init; } = 150;

    /// <summary>`--epochs auto`: train at the peak learning rate until the active dims, dead latents and gamma have stopped
    /// changing, then cool down and stop (<see cref="SettleRule"/>); the cosine schedule options are then unused.</summary>
    public bool StopWhenSettled { get; init; }

    /// <summary>Samples per optimiser step.</summary>
    public int BatchSize { get; init; } = 1024;

    /// <summary>Adam's base learning rate (the peak of each cosine cycle).</summary>
    public double LearningRate { get; init; } = 0.01;

    /// <summary>T_0 of cosine annealing with warm restarts, in optimiser steps (the scheduler is stepped every batch);
    /// 0: one cosine cycle over the whole run, ending at the minimum learning rate.</summary>
    public int RestartPeriod { get; init; } = 10;

    /// <summary>T_mult: each cycle is this many times longer than the previous one.</summary>
    public int RestartMultiplier { get; init; } = 2;

    /// <summary>Stretch T_0 (by less than a factor 2) so that the last cycle ends with the run. The recipe's
    /// 66 000 steps with T_0 = 10 otherwise stop 60% into a cycle at lr ≈ 3e-3, before the model settles
    /// (docs/findings.md §4). False reproduces the authors' schedule.</summary>
    public bool AlignRestarts { get; init; } = true;

    /// <summary>eta_min: the learning rate at the bottom of each cycle.</summary>
    public double MinLearningRate { get; init; } = 1e-6;

    /// <summary>Seeds the initialisation, the train/test split, the batch order and the sampling noise.</summary>
    public long Seed { get; init; } = 1;

    /// <summary>Fraction of the data held out for evaluation (the paper's 90/10 split).</summary>
    public double TestFraction { get; init; } = 0.1;

    /// <summary>Write an atomic checkpoint every this many optimiser steps (0: only at the end of each epoch).</summary>
    public int CheckpointEvery { get; init; } = 2000;

    /// <summary>The linear layers' products while training: fp32, or bf16 (mixed precision; evaluation stays fp32).</summary>
    public MatmulPrecision MatmulPrecision { get; init; } = MatmulPrecision.Float32;

    /// <summary>VAE family: put latents that sit at the prior on every input back on trial during the run (see
    /// <see cref="LatentMonitor"/>; docs/findings.md §10). A latent at the prior gets no gradient back, so without this the
    /// count is fixed by which latents survive the first epochs.</summary>
    public bool ReopenDeadLatents { get; init; }

    /// <summary>Optimiser steps at least between two reopenings (checked at epoch ends): time for a reopened latent to
    /// show whether it pays.</summary>
    public int ReopenEvery { get; init; } = 500;

    /// <summary>Reopen only in this first fraction of the run, so the last reopened latents can still settle.</summary>
    public double ReopenUntil { get; init; } = 0.75;

    /// <summary>Throws ArgumentException naming the first invalid field.</summary>
    public TrainConfig Validate()
    {
        if (Epochs < 1) throw new ArgumentException($"must be >= 1, got {Epochs}", nameof(Epochs));
        if (BatchSize < 2) throw new ArgumentException($"must be >= 2, got {BatchSize}", nameof(BatchSize));
        if (!(LearningRate > 0) || !double.IsFinite(LearningRate)) throw new ArgumentException($"must be > 0, got {LearningRate}", nameof(LearningRate));
        if (RestartPeriod < 0) throw new ArgumentException($"must be >= 0, got {RestartPeriod}", nameof(RestartPeriod));
        if (RestartMultiplier < 1) throw new ArgumentException($"must be >= 1, got {RestartMultiplier}", nameof(RestartMultiplier));
        if (MinLearningRate < 0 || MinLearningRate > LearningRate) throw new ArgumentException($"must be in [0, learning rate], got {MinLearningRate}", nameof(MinLearningRate));
        if (!(TestFraction > 0 && TestFraction < 1)) throw new ArgumentException($"must be in (0, 1), got {TestFraction}", nameof(TestFraction));
        if (ReopenEvery < 1) throw new ArgumentException($"must be >= 1, got {ReopenEvery}", nameof(ReopenEvery));
        if (!(ReopenUntil >= 0 && ReopenUntil <= 1)) throw new ArgumentException($"must be in [0, 1], got {ReopenUntil}", nameof(ReopenUntil));
        if (CheckpointEvery < 0) throw new ArgumentException($"must be >= 0, got {CheckpointEvery}", nameof(CheckpointEvery));
        return this;
    }
}
