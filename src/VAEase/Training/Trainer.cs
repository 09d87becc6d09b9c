using System.Diagnostics;
using TorchSharp;
using VAEase.Data;
using VAEase.IO;
using VAEase.Models;
using static TorchSharp.torch;

namespace VAEase.Training;

/// <summary>How to run a training (not what to train: that is the RunConfig).</summary>
public sealed record TrainOptions
{
    /// <summary>Compute device (cpu or cuda).</summary>
    public Device Device { get; init; } = CPU;

    /// <summary>Continue from the newest checkpoint in the output folder.</summary>
    public bool Resume { get; init; }

    /// <summary>Receives progress after every optimiser step.</summary>
    public IProgress<TrainProgress>? Progress { get; init; }

    /// <summary>Stops the run after the current step, with a checkpoint, by throwing OperationCanceledException.</summary>
    public CancellationToken Cancellation { get; init; }

    /// <summary>Called once the run is set up (a resumed run's checkpoint checked and restored), before its first step:
    /// where a caller announces the run, so that nothing is announced for a checkpoint that is then refused.</summary>
    public Action? Starting { get; init; }
}

/// <summary>The result of a finished training run.</summary>
/// <param name="Model">The trained model (in eval mode).</param>
/// <param name="History">Per-epoch metrics.</param>
/// <param name="Seconds">Training wall time, over all sessions of a resumed run.</param>
/// <param name="Stopped">With <see cref="TrainConfig.StopWhenSettled"/>: why the run stopped where it did (<see cref="SettleRule"/>).</param>
public sealed record TrainResult(SparseAutoencoder Model, IReadOnlyList<EpochMetrics> History, double Seconds, string? Stopped = null);

/// <summary>Adam + cosine annealing with warm restarts stepped every batch (spec §2), with atomic
/// checkpoints and exact resume. Writes DIR/config.json first, then DIR/model.safetensors and
/// DIR/metrics.json when done. The folder is claimed for the run (<see cref="RunLock"/>); a run that fails
/// leaves it resumable or as it found it (<see cref="RunFiles.AfterFailure"/>).</summary>
public static class Trainer
{
    public const string MetricsFile = "metrics.json";

    public static TrainResult Train(RunConfig run, Dataset train, string outDir, TrainOptions options) =>
        Train(run, new InMemoryBatches(train), outDir, options);

    /// <summary>Trains on batches from <paramref name="train"/> (in memory or streamed; see <see cref="RunData"/>).</summary>
    public static TrainResult Train(RunConfig run, IBatchSource train, string outDir, TrainOptions options)
    {
        run.Validate();
        NativeHeap.KeepFreedPages();
        if (train.Dim != run.Model.InputDim)
            throw new VAEaseException($"the model expects d = {run.Model.InputDim} but the data has d = {train.Dim}");
        if (train.Count < 2) throw new VAEaseException("at least 2 training samples are needed");
        using RunLock claim = RunLock.Acquire(outDir);
        TempFiles.RemoveStale(outDir); // what a run killed while writing left
        try
        {
            return TrainInto(run, train, outDir, options);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            RunFiles.Autoencoder.AfterFailure(outDir);
            throw;
        }
    }

    /// <summary>The training itself, in a folder this process holds.</summary>
    private static TrainResult TrainInto(RunConfig run, IBatchSource train, string outDir, TrainOptions options)
    {
        TrainConfig cfg = run.Training;
        string configPath = Path.Combine(outDir, ModelStore.ConfigFile);
        // A resumed run checks the whole checkpoint before it writes anything: a refused one leaves the folder as it was.
        string? checkpointDir = options.Resume ? Checkpoint.Find(outDir) : null;
        CheckpointState state = checkpointDir is null ? new() : Checkpoint.Open(checkpointDir);
        if (checkpointDir is not null) ModelStore.CheckFits(run.Model, Path.Combine(checkpointDir, ModelStore.WeightsFile), configPath);
        ModelSize.RequireTraining(run.Model, Math.Min(cfg.BatchSize, train.Count));
        SparseAutoencoder model = ModelFactory.Create(run.Model, cfg.Seed);
        model.UseMatmulPrecision(cfg.MatmulPrecision);
        model.to(options.Device);
        using var noise = new Generator((ulong)cfg.Seed + 1, options.Device);
        model.Noise = noise;
        using var optimizer = new AdamOptimizer(model.parameters());

        int batchesPerEpoch = BatchesPerEpoch(train.Count, cfg.BatchSize);
        var history = new List<EpochMetrics>(state.History);
        SettlePlan? plan = cfg.StopWhenSettled ? SettleRule.Plan(history, cfg.Epochs, batchesPerEpoch) : null;
        int Epochs() => plan?.End ?? cfg.Epochs;
        if (checkpointDir is not null)
        {
            Checkpoint.CheckPosition(checkpointDir, state, Epochs(), batchesPerEpoch);
            Checkpoint.Restore(checkpointDir, state, model, optimizer, $"the model of {configPath}");
            Checkpoint.RestoreNoise(checkpointDir, state, noise);
        }

        options.Starting?.Invoke(); // before the first computation on the data: the caller may set the thread count there
        using LatentMonitor monitor = LatentMonitor.Create(train, cfg, options.Device);
        if (state.Step == 0) monitor.StartGamma(model);
        LatentCheck? latents = LatentsOf(history); // what the progress shows: the latest epoch-end check (a resumed run's too)
        Directory.CreateDirectory(outDir);
        Json.Write(configPath, run);
        var clock = Stopwatch.StartNew();
        double secondsBefore = history.Sum(h => h.Seconds) + state.EpochSeconds;
        long step = state.Step;
        model.train();
        using GcPause.Scope gcPause = GcPause.Hold();

        for (int epoch = state.Epoch; epoch < Epochs(); epoch++)
        {
            long totalSteps = (long)batchesPerEpoch * Epochs();
            bool resumingThisEpoch = epoch == state.Epoch;
            double lossSum = resumingThisEpoch ? state.EpochLossSum : 0, errorSum = resumingThisEpoch ? state.EpochErrorSum : 0;
            double epochSecondsBefore = resumingThisEpoch ? state.EpochSeconds : 0;
            var epochClock = Stopwatch.StartNew();
            double lr = 0;
            int done = resumingThisEpoch ? state.Batch : 0;
            using IEnumerator<Tensor> batches = train.Epoch(cfg.Seed, epoch, cfg.BatchSize, done).GetEnumerator();
            while (true)
            {
                double loss, error;
                GcPause.Ensure(); // before the batch is made too: a streamed window is normalised there
                try
                {
                    if (!batches.MoveNext()) break;
                }
                catch (VAEaseException e) when (step > state.Step)
                {
                    // The data failed under a sound model (a streamed file truncated or changed, a NaN read mid-stream):
                    // keep the position, so that the run continues once the data is repaired.
                    SaveMidEpoch(outDir, model, optimizer, noise, history, step, epoch, done, lossSum, errorSum, epochSecondsBefore + epochClock.Elapsed.TotalSeconds);
                    throw new VAEaseException($"{e.Message}; the run stopped at step {step} with a checkpoint: once the data is repaired, " +
                                              $"continue with `vaease train --out {outDir} --resume`", e);
                }
                lr = plan is null ? LearningRateSchedule.At(cfg, step, totalSteps) // after the check: the epoch records its last step's rate
                    : SettleRule.LearningRate(cfg, plan, epoch, step, batchesPerEpoch);
                using (Tensor x = batches.Current) (loss, error) = Step(model, optimizer, lr, x, options.Device);
                lossSum += loss;
                errorSum += error;
                step++;
                done++;
                options.Progress?.Report(new TrainProgress(epoch + 1, Epochs(), step, totalSteps, loss, model.LogGamma,
                    cfg.BatchSize, lr, latents));

                bool cancelled = options.Cancellation.IsCancellationRequested;
                if (done < batchesPerEpoch && (cancelled || (cfg.CheckpointEvery > 0 && step % cfg.CheckpointEvery == 0)))
                    SaveMidEpoch(outDir, model, optimizer, noise, history, step, epoch, done, lossSum, errorSum, epochSecondsBefore + epochClock.Elapsed.TotalSeconds);
                if (cancelled && done < batchesPerEpoch) options.Cancellation.ThrowIfCancellationRequested();
            }
            if (done != batchesPerEpoch) throw new InvalidOperationException($"the batch source served {done} of {batchesPerEpoch} batches in epoch {epoch + 1}");
            bool reopen = plan is null ? LatentMonitor.ReopensAt(cfg, step - batchesPerEpoch, step, totalSteps)
                : plan.CooldownStart is null && LatentMonitor.ReopensAt(cfg with { ReopenUntil = 1 }, step - batchesPerEpoch, step, totalSteps);
            latents = monitor.Check(model, optimizer, reopen);
            history.Add(new EpochMetrics(epoch + 1, step, lossSum / batchesPerEpoch, errorSum / batchesPerEpoch, model.LogGamma, lr,
                epochSecondsBefore + epochClock.Elapsed.TotalSeconds, latents.ActiveDims, latents.Dead,
                model.Config.IsVariational && cfg.ReopenDeadLatents ? latents.Reopened : null));
            if (plan is not null) plan = SettleRule.Plan(history, cfg.Epochs, batchesPerEpoch);
            if (epoch + 1 < Epochs())
                Checkpoint.Save(outDir, model, optimizer, new CheckpointState { Step = step, Epoch = epoch + 1, NoiseState = NoiseState(noise), History = history });
            options.Cancellation.ThrowIfCancellationRequested();
        }

        model.eval();
        double seconds = secondsBefore + clock.Elapsed.TotalSeconds;
        ModelStore.SaveWeights(Path.Combine(outDir, ModelStore.WeightsFile), model);
        Json.Write(Path.Combine(outDir, MetricsFile), new
        {
            config = run, versions = Versions.All, steps = step, seconds, peak_rss_bytes = ProcessMemory.PeakRssBytes(),
            stopped = plan?.Reason ?? $"the configured {cfg.Epochs} epochs", cooldown_from_epoch = plan?.CooldownStart, epochs = history,
        });
        Checkpoint.Delete(outDir);
        return new TrainResult(model, history, seconds, plan?.Reason);
    }

    /// <summary>A checkpoint in the middle of an epoch: <paramref name="done"/> of its batches trained, with their running sums.</summary>
    private static void SaveMidEpoch(string outDir, SparseAutoencoder model, AdamOptimizer optimizer, Generator noise, List<EpochMetrics> history,
        long step, int epoch, int done, double lossSum, double errorSum, double seconds) =>
        Checkpoint.Save(outDir, model, optimizer, new CheckpointState
        {
            Step = step, Epoch = epoch, Batch = done, EpochLossSum = lossSum, EpochErrorSum = errorSum, EpochSeconds = seconds,
            NoiseState = NoiseState(noise), History = history,
        });

    /// <summary>The last finished epoch's latent check, if any.</summary>
    private static LatentCheck? LatentsOf(List<EpochMetrics> history) =>
        history.Count > 0 && history[^1] is { ActiveDims: { } active, DeadLatents: { } dead } last ? new LatentCheck(active, dead, last.Reopened ?? 0) : null;

    /// <summary>Batches per epoch; the last partial batch is kept unless it has a single sample
    /// (batch norm cannot train on one).</summary>
    public static int BatchesPerEpoch(long count, int batchSize) => Batching.PerEpoch(count, batchSize);

    /// <summary>The epoch's sample order: a pure function of (seed, epoch), so a resumed run sees the same batches.</summary>
    internal static Tensor EpochOrder(long seed, int epoch, long count) => InMemoryBatches.Order(seed, epoch, count);

    /// <summary>One optimiser step on batch b of the rows of <paramref name="data"/> in the given order;
    /// returns (loss, squared error). Also what `vaease bench` times.</summary>
    internal static (double Loss, double Error) Step(SparseAutoencoder model, AdamOptimizer optimizer, double lr, Tensor data, Tensor order, int b, int batchSize, Device device)
    {
        using var scope = NewDisposeScope();
        long start = (long)b * batchSize, end = Math.Min(start + batchSize, order.shape[0]);
        return Step(model, optimizer, lr, data.index_select(0, order.slice(0, start, end, 1)), device);
    }

    /// <summary>One optimiser step on the rows <paramref name="batch"/> [b, d]; returns (loss, squared error).</summary>
    internal static (double Loss, double Error) Step(SparseAutoencoder model, AdamOptimizer optimizer, double lr, Tensor batch, Device device)
    {
        GcPause.Ensure();
        using var scope = NewDisposeScope();
        Tensor x = batch.to(device);
        LossTerms terms = model.forward(x);
        optimizer.ZeroGrad();
        terms.Total.backward();
        optimizer.Step(lr);
        double loss = terms.Total.item<float>();
        if (!double.IsFinite(loss)) throw new VAEaseException($"training diverged: the loss became {loss} (lower the learning rate with --lr)");
        return (loss, terms.SquaredError.item<float>());
    }

    internal static string NoiseState(Generator noise)
    {
        using Tensor state = noise.get_state();
        return Convert.ToBase64String(state.data<byte>().ToArray());
    }
}
