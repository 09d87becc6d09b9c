namespace VAEase.Training;

/// <summary>Learning-rate schedules as pure functions of the step.</summary>
public static class LearningRateSchedule
{
    /// <summary>PyTorch's CosineAnnealingWarmRestarts (Loshchilov and Hutter, 2017) at optimiser step
    /// <paramref name="step"/> (0-based): cycles of length T_0, T_0*T_mult, T_0*T_mult^2, ...;
    /// within a cycle lr = eta_min + (base - eta_min) (1 + cos(pi T_cur / T_i)) / 2.</summary>
    public static double CosineWarmRestarts(long step, double baseLr, int t0, int tMult, double etaMin)
    {
        long tCur = step, tI = t0;
        if (tMult == 1) tCur = step % t0;
        else
            while (tCur >= tI) { tCur -= tI; tI *= tMult; }
        return etaMin + (baseLr - etaMin) * (1 + Math.Cos(Math.PI * tCur / tI)) / 2;
    }

    /// <summary>The schedule of a training config over a run of <paramref name="totalSteps"/> steps
    /// (a restart period of 0 means one cycle spanning the run).</summary>
    public static double At(TrainConfig config, long step, long totalSteps)
    {
        int t0 = config.RestartPeriod > 0 ? config.RestartPeriod : (int)Math.Max(1, totalSteps);
        return CosineWarmRestarts(step, config.LearningRate, t0, config.RestartMultiplier, config.MinLearningRate);
    }
}
