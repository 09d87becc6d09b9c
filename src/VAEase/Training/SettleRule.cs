namespace VAEase.Training;

/// <summary>Where a run with <see cref="TrainConfig.StopWhenSettled"/> stands after some epochs.</summary>
/// <param name="CooldownStart">The 0-based epoch at which the cool-down begins (the learning rate decays from there),
/// or null while the run is still at its peak rate.</param>
/// <param name="End">Epochs the run will have when it stops (the cap while no cool-down has been planned).</param>
/// <param name="Reason">Why it stops where it does: settled (and at which epoch), or the cap.</param>
public sealed record SettlePlan(int? CooldownStart, int End, string Reason);

/// <summary>`--epochs auto`: train at the peak learning rate until the latents and gamma have stopped changing, then cool
/// down and stop, with <see cref="TrainConfig.Epochs"/> as the cap. A pure function of the per-epoch history, so a
/// resumed run makes the same decisions.
/// <para>Settled at epoch e when, over the last <see cref="Window"/> steps (and at least 3 epochs) up to e: no latent was
/// reopened, the dead latents did not change in number, the mean active dims per sample stayed within 2% (and 0.05) of
/// each other, and log gamma (VAE family) stayed within 1 (gamma within a factor e: on noiseless data it keeps falling slowly
/// for ever, as the theory says it should, so a stricter rule would never stop). The cool-down then lasts a quarter of the epochs so far
/// (at least one), a cosine from the peak to the minimum rate, without reopening. A run that has not settled by 4/5 of
/// the cap cools down over the last fifth.</para></summary>
public static class SettleRule
{
    /// <summary>Optimiser steps the quantities must have been steady for.</summary>
    public const int Window = 2000;

    public static SettlePlan Plan(IReadOnlyList<EpochMetrics> history, int cap, int batchesPerEpoch)
    {
        int window = Math.Max(3, (Window + batchesPerEpoch - 1) / batchesPerEpoch);
        int latest = cap - Math.Max(1, (cap + 4) / 5);
        for (int e = window; e <= Math.Min(history.Count, latest); e++)
            if (Steady(history, e - window, e))
                return new SettlePlan(e, Math.Min(cap, e + Math.Max(1, (e + 3) / 4)), $"settled after epoch {e}");
        return history.Count >= latest
            ? new SettlePlan(latest, cap, $"not settled by epoch {latest}: cooled down to the cap of {cap} epochs")
            : new SettlePlan(null, cap, "not settled yet");
    }

    /// <summary>Epochs [from, to) of the history (0-based) are steady.</summary>
    private static bool Steady(IReadOnlyList<EpochMetrics> history, int from, int to)
    {
        var span = history.Skip(from).Take(to - from).ToList();
        if (span.Any(e => e.ActiveDims is null || e.DeadLatents is null || e.Reopened > 0)) return false;
        if (span.Select(e => e.DeadLatents).Distinct().Count() > 1) return false;
        double low = span.Min(e => e.ActiveDims!.Value), high = span.Max(e => e.ActiveDims!.Value);
        if (high - low > Math.Max(0.05, 0.02 * high)) return false;
        if (span.All(e => e.LogGamma is { } g && double.IsFinite(g)))
            return span.Max(e => e.LogGamma!.Value) - span.Min(e => e.LogGamma!.Value) < 1;
        return true;
    }

    /// <summary>The learning rate at <paramref name="step"/> (0-based) of epoch <paramref name="epoch"/>: the peak until the
    /// cool-down starts, then a cosine to the minimum over the cool-down's steps.</summary>
    public static double LearningRate(TrainConfig config, SettlePlan plan, int epoch, long step, int batchesPerEpoch)
    {
        if (plan.CooldownStart is not { } start || epoch < start) return config.LearningRate;
        double length = (double)(plan.End - start) * batchesPerEpoch, done = step - (long)start * batchesPerEpoch;
        return LearningRateSchedule.CosineWarmRestarts((long)Math.Min(done, length - 1), config.LearningRate, length, 1, config.MinLearningRate);
    }
}
