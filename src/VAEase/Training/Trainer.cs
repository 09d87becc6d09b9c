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
    public static TrainResult Train(RunConfig run, IBatchSource train, string outDir, TrainOptions options) =>
        TrainTogether([(run, outDir)], train, options)[0];

    /// <summary>Trains several runs on one pass over their shared data: each batch is drawn once and every run takes its
    /// step on it in turn. The runs must draw the same batches (the same seed and batch size; the caller gives them the
    /// same data) and start at the same position (fresh, or resumed from checkpoints of the same step); their epoch counts
    /// may differ, a run stopping when its own epochs are done. Each run keeps its own model, optimiser, noise generator,
    /// checkpoints and metrics, and nothing draws from libtorch's global generator after initialisation, so every run's
    /// weights, checkpoints and metrics are bit-identical to its training alone, but for the measured seconds (each run is
    /// charged its own steps and an equal share of drawing the batches) and the process's peak RSS in metrics.json.
    /// <see cref="TrainOptions.Progress"/> follows the first run; <see cref="TrainOptions.Starting"/> is called once.</summary>
    public static IReadOnlyList<TrainResult> TrainTogether(IReadOnlyList<(RunConfig Run, string OutDir)> runs, IBatchSource train, TrainOptions options)
    {
        if (runs.Count == 0) throw new ArgumentException("no run to train", nameof(runs));
        NativeHeap.KeepFreedPages();
        var claims = new List<RunLock>();
        var sessions = new List<TrainingSession>();
        try
        {
            foreach (var (_, outDir) in runs)
            {
                claims.Add(RunLock.Acquire(outDir));
                TempFiles.RemoveStale(outDir); // what a run killed while writing left
            }
            foreach (var (run, outDir) in runs)
                sessions.Add(TrainingSession.Open(run, train, outDir, sessions.Count == 0 ? options : options with { Progress = null }));
            TrainingSession first = sessions[0];
            if (sessions.FirstOrDefault(s => s.Seed != first.Seed || s.BatchSize != first.BatchSize || s.Start != first.Start) is { } other)
                throw new VAEaseException($"runs that share a pass need the same seed, batch size and starting point: {runs[0].OutDir} has seed {first.Seed}, " +
                                          $"batch size {first.BatchSize} and starts at (epoch, batch) {first.Start}; {runs[sessions.IndexOf(other)].OutDir} has {other.Seed}, {other.BatchSize}, {other.Start}");
            options.Starting?.Invoke(); // before the first computation on the data: the caller may set the thread count there
            foreach (TrainingSession session in sessions) session.Begin(train);
            StepTogether(sessions, train, options.Cancellation);
            return [.. sessions.Select(s => s.Finish())];
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            foreach (var (_, outDir) in runs) RunFiles.Autoencoder.AfterFailure(outDir);
            throw;
        }
        finally
        {
            foreach (TrainingSession session in sessions) session.Dispose();
            for (int i = claims.Count - 1; i >= 0; i--) claims[i].Dispose(); // last first: a folder the first claim created goes once empty
        }
    }

    /// <summary>The epochs of the sessions, each batch drawn once and stepped on by every session whose run is not yet done.
    /// Cancellation stops after the current batch with a checkpoint of every session at the same step.</summary>
    private static void StepTogether(IReadOnlyList<TrainingSession> sessions, IBatchSource train, CancellationToken cancellation)
    {
        using GcPause.Scope gcPause = GcPause.Hold();
        var (firstEpoch, firstBatch) = sessions[0].Start;
        for (int epoch = firstEpoch; ; epoch++)
        {
            List<TrainingSession> active = [.. sessions.Where(s => epoch < s.Epochs)];
            if (active.Count == 0) return;
            foreach (TrainingSession session in active) session.BeginEpoch(epoch);
            using IEnumerator<Tensor> batches = train.Epoch(sessions[0].Seed, epoch, sessions[0].BatchSize, epoch == firstEpoch ? firstBatch : 0).GetEnumerator();
            while (true)
            {
                GcPause.Ensure(); // before the batch is made too: a streamed window is normalised there
                long drawing = Stopwatch.GetTimestamp();
                try
                {
                    if (!batches.MoveNext()) break;
                }
                catch (VAEaseException e) when (sessions.Any(s => s.HasStepped))
                {
                    // The data failed under sound models (a streamed file truncated or changed, a NaN read mid-stream):
                    // keep the position, so that the runs continue once the data is repaired.
                    foreach (TrainingSession session in active) session.SaveMidEpoch();
                    throw new VAEaseException($"{e.Message}; the run stopped at step {active[0].StepCount} with a checkpoint: once the data is repaired, " +
                                              $"continue with `vaease train --out {active[0].OutDir} --resume`", e);
                }
                double share = Stopwatch.GetElapsedTime(drawing).TotalSeconds / active.Count;
                using (Tensor x = batches.Current)
                    foreach (TrainingSession session in active)
                    {
                        session.Charge(share);
                        session.Step(x);
                    }
                bool cancelled = cancellation.IsCancellationRequested; // once per batch: every session checkpoints at the same step
                foreach (TrainingSession session in active) session.CheckpointIfDue(cancelled);
                if (cancelled && active[0].MidEpoch) cancellation.ThrowIfCancellationRequested();
            }
            foreach (TrainingSession session in active) session.EndEpoch();
            cancellation.ThrowIfCancellationRequested();
        }
    }

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
