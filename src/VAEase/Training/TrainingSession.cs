using System.Diagnostics;
using VAEase.Data;
using VAEase.IO;
using VAEase.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace VAEase.Training;

/// <summary>One run in training: its model, optimiser, noise generator, latent monitor and position, stepped batch by batch
/// by <see cref="Trainer"/>. Nothing of one session touches another's state or libtorch's global generator, so several
/// sessions stepped on the same batches (a shared pass) train exactly as each would alone.</summary>
internal sealed class TrainingSession : IDisposable
{
    private readonly RunConfig run;
    private readonly TrainConfig cfg;
    private readonly string outDir, configPath;
    private readonly TrainOptions options;
    private readonly SparseAutoencoder model;
    private readonly AdamOptimizer optimizer;
    private readonly Generator noise;
    private readonly CheckpointState state;
    private readonly List<EpochMetrics> history;
    private readonly int batchesPerEpoch;
    private LatentMonitor? monitor;
    private SettlePlan? plan;
    private LatentCheck? latents; // what the progress shows: the latest epoch-end check (a resumed run's too)
    private long step;
    private double secondsBefore, seconds; // of earlier sessions of the run; of this one (its own work and its share of the batches)
    private bool handedOut;

    // The epoch in progress.
    private int epoch, done;
    private long totalSteps;
    private double lossSum, errorSum, epochSecondsBefore, epochSeconds, lr;

    private TrainingSession(RunConfig run, string outDir, TrainOptions options, SparseAutoencoder model, AdamOptimizer optimizer,
        Generator noise, CheckpointState state, int batchesPerEpoch)
    {
        this.run = run;
        cfg = run.Training;
        this.outDir = outDir;
        configPath = Path.Combine(outDir, ModelStore.ConfigFile);
        this.options = options;
        this.model = model;
        this.optimizer = optimizer;
        this.noise = noise;
        this.state = state;
        this.batchesPerEpoch = batchesPerEpoch;
        history = new List<EpochMetrics>(state.History);
        plan = cfg.StopWhenSettled ? SettleRule.Plan(history, cfg.Epochs, batchesPerEpoch) : null;
        step = state.Step;
    }

    /// <summary>The seed of the batch order.</summary>
    public long Seed => cfg.Seed;

    /// <summary>Samples per batch.</summary>
    public int BatchSize => cfg.BatchSize;

    /// <summary>Epochs of the run (with <see cref="TrainConfig.StopWhenSettled"/>, as planned so far).</summary>
    public int Epochs => plan?.End ?? cfg.Epochs;

    /// <summary>Where the run starts: the 0-based epoch and the batches of it already done.</summary>
    public (int Epoch, int Batch) Start => (state.Epoch, state.Batch);

    /// <summary>The checked, restored run, not yet started: a resumed run's whole checkpoint is checked before anything is
    /// written, so a refused one leaves the folder as it was.</summary>
    public static TrainingSession Open(RunConfig run, IBatchSource train, string outDir, TrainOptions options)
    {
        run.Validate();
        TrainConfig cfg = run.Training;
        if (train.Dim != run.Model.InputDim)
            throw new VAEaseException($"the model expects d = {run.Model.InputDim} but the data has d = {train.Dim}");
        if (train.Count < 2) throw new VAEaseException("at least 2 training samples are needed");

        string configPath = Path.Combine(outDir, ModelStore.ConfigFile);
        string? checkpointDir = options.Resume ? Checkpoint.Find(outDir) : null;
        CheckpointState state = checkpointDir is null ? new() : Checkpoint.Open(checkpointDir);
        if (checkpointDir is not null) ModelStore.CheckFits(run.Model, Path.Combine(checkpointDir, ModelStore.WeightsFile), configPath);
        ModelSize.RequireTraining(run.Model, Math.Min(cfg.BatchSize, train.Count));
        SparseAutoencoder model = ModelFactory.Create(run.Model, cfg.Seed);
        model.UseMatmulPrecision(cfg.MatmulPrecision);
        model.to(options.Device);
        var noise = new Generator((ulong)cfg.Seed + 1, options.Device);
        model.Noise = noise;
        var session = new TrainingSession(run, outDir, options, model, new AdamOptimizer(model.parameters()), noise, state,
            Trainer.BatchesPerEpoch(train.Count, cfg.BatchSize));
        try
        {
            if (checkpointDir is not null)
            {
                Checkpoint.CheckPosition(checkpointDir, state, session.Epochs, session.batchesPerEpoch);
                Checkpoint.Restore(checkpointDir, state, model, session.optimizer, $"the model of {configPath}");
                Checkpoint.RestoreNoise(checkpointDir, state, noise);
            }
            return session;
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>Readies the first step: the latent probe, a fresh anchored gamma, and config.json written.</summary>
    public void Begin(IBatchSource train)
    {
        monitor = LatentMonitor.Create(train, cfg, options.Device);
        if (state.Step == 0) monitor.StartGamma(model);
        latents = history.Count > 0 && history[^1] is { ActiveDims: { } active, DeadLatents: { } dead } last ? new LatentCheck(active, dead, last.Reopened ?? 0) : null;
        Directory.CreateDirectory(outDir);
        Json.Write(configPath, run);
        secondsBefore = history.Sum(h => h.Seconds) + state.EpochSeconds;
        model.train();
    }

    /// <summary>Starts epoch <paramref name="number"/> (0-based); a resumed run's first epoch continues from its checkpoint.</summary>
    public void BeginEpoch(int number)
    {
        epoch = number;
        totalSteps = (long)batchesPerEpoch * Epochs;
        bool resumingThisEpoch = epoch == state.Epoch;
        lossSum = resumingThisEpoch ? state.EpochLossSum : 0;
        errorSum = resumingThisEpoch ? state.EpochErrorSum : 0;
        epochSecondsBefore = resumingThisEpoch ? state.EpochSeconds : 0;
        epochSeconds = 0;
        lr = 0;
        done = resumingThisEpoch ? state.Batch : 0;
    }

    /// <summary>Adds seconds spent for this run (its share of a shared batch) to its clock.</summary>
    public void Charge(double elapsed)
    {
        epochSeconds += elapsed;
        seconds += elapsed;
    }

    /// <summary>One optimiser step on <paramref name="batch"/> [b, d] (not disposed here: other sessions may share it).</summary>
    public void Step(Tensor batch)
    {
        long started = Stopwatch.GetTimestamp();
        lr = plan is null ? LearningRateSchedule.At(cfg, step, totalSteps) : SettleRule.LearningRate(cfg, plan, epoch, step, batchesPerEpoch);
        var (loss, error) = Trainer.Step(model, optimizer, lr, batch, options.Device);
        lossSum += loss;
        errorSum += error;
        step++;
        done++;
        options.Progress?.Report(new TrainProgress(epoch + 1, Epochs, step, totalSteps, loss, model.LogGamma, cfg.BatchSize, lr, latents));
        Charge(Stopwatch.GetElapsedTime(started).TotalSeconds);
    }

    /// <summary>After a step: a checkpoint every <see cref="TrainConfig.CheckpointEvery"/> steps and, when
    /// <paramref name="cancelled"/>, one to resume from (none at an epoch's end, which <see cref="EndEpoch"/> checkpoints).</summary>
    public void CheckpointIfDue(bool cancelled)
    {
        if (MidEpoch && (cancelled || (cfg.CheckpointEvery > 0 && step % cfg.CheckpointEvery == 0))) SaveMidEpoch();
    }

    /// <summary>A checkpoint in the middle of the epoch: the batches done so far, with their running sums.</summary>
    public void SaveMidEpoch() =>
        Checkpoint.Save(outDir, model, optimizer, new CheckpointState
        {
            Step = step, Epoch = epoch, Batch = done, EpochLossSum = lossSum, EpochErrorSum = errorSum,
            EpochSeconds = epochSecondsBefore + epochSeconds, NoiseState = Trainer.NoiseState(noise), History = history,
        });

    /// <summary>Whether this session has taken a step (a data failure after one keeps the position in a checkpoint).</summary>
    public bool HasStepped => step > state.Step;

    /// <summary>Steps taken by the run, earlier sessions included.</summary>
    public long StepCount => step;

    /// <summary>The run folder.</summary>
    public string OutDir => outDir;

    /// <summary>Whether batches of the epoch in progress remain.</summary>
    public bool MidEpoch => done < batchesPerEpoch;

    /// <summary>Ends the epoch: checks (and, in the VAE family's reopening window, reopens) the latents, records the epoch's
    /// metrics, and checkpoints unless it was the last.</summary>
    public void EndEpoch()
    {
        long started = Stopwatch.GetTimestamp();
        if (done != batchesPerEpoch) throw new InvalidOperationException($"the batch source served {done} of {batchesPerEpoch} batches in epoch {epoch + 1}");
        bool reopen = plan is null ? LatentMonitor.ReopensAt(cfg, step - batchesPerEpoch, step, totalSteps)
            : plan.CooldownStart is null && LatentMonitor.ReopensAt(cfg with { ReopenUntil = 1 }, step - batchesPerEpoch, step, totalSteps);
        latents = monitor!.Check(model, optimizer, reopen);
        Charge(Stopwatch.GetElapsedTime(started).TotalSeconds);
        history.Add(new EpochMetrics(epoch + 1, step, lossSum / batchesPerEpoch, errorSum / batchesPerEpoch, model.LogGamma, lr,
            epochSecondsBefore + epochSeconds, latents.ActiveDims, latents.Dead,
            model.Config.IsVariational && cfg.ReopenDeadLatents ? latents.Reopened : null));
        if (plan is not null) plan = SettleRule.Plan(history, cfg.Epochs, batchesPerEpoch);
        if (epoch + 1 < Epochs)
            Checkpoint.Save(outDir, model, optimizer, new CheckpointState { Step = step, Epoch = epoch + 1, NoiseState = Trainer.NoiseState(noise), History = history });
    }

    /// <summary>Saves the trained model (model.safetensors), its metrics (metrics.json), removes the checkpoint, and hands the
    /// model (in eval mode) to the caller.</summary>
    public TrainResult Finish()
    {
        model.eval();
        double total = secondsBefore + seconds;
        ModelStore.SaveWeights(Path.Combine(outDir, ModelStore.WeightsFile), model);
        Json.Write(Path.Combine(outDir, Trainer.MetricsFile), new
        {
            config = run, versions = Versions.All, steps = step, seconds = total, peak_rss_bytes = ProcessMemory.PeakRssBytes(),
            stopped = plan?.Reason ?? $"the configured {cfg.Epochs} epochs", cooldown_from_epoch = plan?.CooldownStart, epochs = history,
        });
        Checkpoint.Delete(outDir);
        handedOut = true;
        return new TrainResult(model, history, total, plan?.Reason);
    }

    public void Dispose()
    {
        monitor?.Dispose();
        optimizer.Dispose();
        noise.Dispose();
        if (!handedOut) model.Dispose();
    }
}
