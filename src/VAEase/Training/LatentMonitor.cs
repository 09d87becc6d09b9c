using VAEase.Data;
using VAEase.Evaluation;
using VAEase.Models;
using static TorchSharp.torch;

namespace VAEase.Training;

/// <summary>What a check of the latents found at an epoch's end.</summary>
/// <param name="ActiveDims">Mean per-sample active dims over the probe rows (the evaluation's variance-split rule).</param>
/// <param name="Dead">Latents that are off on every probe row.</param>
/// <param name="Reopened">Dead latents put back on trial by this check (VAE family with reopening on).</param>
public sealed record LatentCheck(double ActiveDims, int Dead, int Reopened);

/// <summary>Watches the latents while training: at each epoch's end it encodes a fixed probe of training rows (the first
/// rows of epoch 1's order) and counts the active dims per sample and the dead latents; for the VAE family with
/// <see cref="TrainConfig.ReopenDeadLatents"/> it also puts the dead latents back on trial
/// (<see cref="VariationalAutoencoder.Reopen"/>), at most once per <see cref="TrainConfig.ReopenEvery"/> steps (see
/// <see cref="ReopensAt"/>) and only in the first <see cref="TrainConfig.ReopenUntil"/> of the run, so that a reopened latent that does not pay has time to
/// return to the prior before the end. Stateless between checks (the probe is re-read on resume), so a resumed run
/// reopens exactly what an uninterrupted one does.</summary>
public sealed class LatentMonitor : IDisposable
{
    /// <summary>Rows of the probe (fewer if the training split is smaller).</summary>
    public const int ProbeRows = 4096;

    /// <summary>A VAE-family latent is dead when its -log sigma^2 stays at or below this on every probe row (sigma &gt;= 0.975:
    /// VAEase passes at most 2.5% of it to the decoder). An SAE latent is dead when it is exactly 0 on every row.</summary>
    public const double DeadActivity = 0.05;

    private readonly Tensor probe; // [p, d] on the training device

    private LatentMonitor(Tensor probe) => this.probe = probe;

    /// <summary>The probe: the first <see cref="ProbeRows"/> rows that epoch 1 serves.</summary>
    public static LatentMonitor Create(IBatchSource train, TrainConfig config, Device device)
    {
        var parts = new List<Tensor>();
        long rows = 0;
        try
        {
            foreach (Tensor batch in train.Epoch(config.Seed, 0, config.BatchSize, 0))
            {
                parts.Add(batch);
                rows += batch.shape[0];
                if (rows >= ProbeRows) break;
            }
            using Tensor all = cat(parts);
            return new LatentMonitor(all.narrow(0, 0, Math.Min(rows, ProbeRows)).to(device));
        }
        finally
        {
            foreach (Tensor part in parts) part.Dispose();
        }
    }

    /// <summary>Whether the check at the end of the epoch that ended at <paramref name="step"/> (and began at
    /// <paramref name="epochStart"/>) may reopen latents: within the first ReopenUntil of the run, and a multiple of the
    /// reopening period was passed during the epoch. The period is ReopenEvery steps, shortened in short runs so that the
    /// reopening window holds at least four of them (a 90-step run reopens at its epoch ends).</summary>
    public static bool ReopensAt(TrainConfig config, long epochStart, long step, long totalSteps)
    {
        long window = (long)(config.ReopenUntil * totalSteps), every = Math.Max(1, Math.Min(config.ReopenEvery, window / 4));
        return config.ReopenDeadLatents && step <= window && step / every > epochStart / every;
    }

    /// <summary>Counts active dims and dead latents of <paramref name="model"/> on the probe and, when
    /// <paramref name="reopen"/>, reopens the dead ones of a VAE-family model on the probe's residual.</summary>
    public LatentCheck Check(SparseAutoencoder model, AdamOptimizer optimizer, bool reopen)
    {
        bool training = model.training;
        model.eval();
        float[] activity;
        using (no_grad())
        using (NewDisposeScope())
            activity = model.Encode(probe).Activity.to_type(ScalarType.Float32).cpu().contiguous().data<float>().ToArray();
        model.train(training);

        int kappa = model.Config.Latent, n = activity.Length / kappa;
        double offLevel = Evaluator.OffLevel(model.ActivityKind);
        double deadAt = model.ActivityKind == ActivityKind.NegLogVariance ? DeadActivity : double.NegativeInfinity;
        var peak = new double[kappa];
        Array.Fill(peak, double.NegativeInfinity);
        var row = new double[kappa];
        double activeSum = 0;
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < kappa; j++)
            {
                row[j] = activity[i * kappa + j];
                if (row[j] > peak[j]) peak[j] = row[j];
            }
            activeSum += VarianceSplit.ActiveCount(row, offLevel);
        }
        long[] dead = Enumerable.Range(0, kappa).Where(j => peak[j] <= deadAt).Select(j => (long)j).ToArray();
        int reopened = 0;
        if (reopen && dead.Length > 0 && model is VariationalAutoencoder vae)
        {
            Reopening reopening = vae.Reopen(dead, probe);
            foreach (var (parameter, changed) in reopening.Changed)
            {
                optimizer.Restart(parameter, changed);
                changed.Dispose();
            }
            reopened = reopening.Count;
        }
        return new LatentCheck(activeSum / n, dead.Length, reopened);
    }

    /// <summary>Starts an anchored gamma from the probe rows (a fresh run's first step; see <see cref="VariationalAutoencoder.StartGamma"/>).</summary>
    public void StartGamma(SparseAutoencoder model)
    {
        if (model is VariationalAutoencoder { Config.Gamma: GammaMode.Anchored } vae) vae.StartGamma(probe);
    }

    public void Dispose() => probe.Dispose();
}
