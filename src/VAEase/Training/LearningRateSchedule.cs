namespace VAEase.Training;

/// <summary>Learning-rate schedules as pure functions of the step.</summary>
public static class LearningRateSchedule
{
    /// <summary>PyTorch's CosineAnnealingWarmRestarts (Loshchilov and Hutter, 2017) at optimiser step
    /// <paramref name="step"/> (0-based): cycles of length T_0, T_0*T_mult, T_0*T_mult^2, ...;
    /// within a cycle lr = eta_min + (base - eta_min) (1 + cos(pi T_cur / T_i)) / 2.</summary>
    public static double CosineWarmRestarts(long step, double baseLr, double t0, int tMult, double etaMin)
    {
        double tCur = step, tI = t0;
        while (tCur >= tI) { tCur -= tI; tI *= tMult; }
        return etaMin + (baseLr - etaMin) * (1 + Math.Cos(Math.PI * tCur / tI)) / 2;
    }

    /// <summary>The T_0 that makes the last of the cycles T_0, T_0 T_mult, ... end exactly after
    /// <paramref name="totalSteps"/>: as many cycles as <paramref name="t0"/> needs to cover the run, stretched to fit.</summary>
    public static double AlignedPeriod(int t0, int tMult, long totalSteps)
    {
        if (totalSteps <= t0) return Math.Max(1, totalSteps);
        if (tMult == 1) return (double)totalSteps / Math.Ceiling((double)totalSteps / t0);
        double cycles = 1, span = 1; // span = (tMult^k - 1) / (tMult - 1): the run's length in units of T_0
        while (t0 * span < totalSteps) { cycles *= tMult; span += cycles; }
        return totalSteps / span;
    }

    /// <summary>The schedule of a training config over a run of <paramref name="totalSteps"/> steps
    /// (a restart period of 0 means one cycle spanning the run).</summary>
    public static double At(TrainConfig config, long step, long totalSteps)
    {
        double t0 = config.RestartPeriod == 0 ? Math.Max(1, totalSteps)
            : config.AlignRestarts ? AlignedPeriod(config.RestartPeriod, config.RestartMultiplier, totalSteps)
            : config.RestartPeriod;
        return CosineWarmRestarts(step, config.LearningRate, t0, config.RestartMultiplier, config.MinLearningRate);
    }
}
