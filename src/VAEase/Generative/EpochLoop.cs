using System.Diagnostics;
using TorchSharp;
using VAEase.IO;
using VAEase.Training;
using static TorchSharp.torch;

namespace VAEase.Generative;

/// <summary>A network the <see cref="EpochLoop"/> trains: its modules and optimisers (checkpointed by
/// name) and one optimiser step on a batch.</summary>
public interface ILoopModel
{
    /// <summary>The trained modules by name (file names in checkpoints and in the model folder).</summary>
    IReadOnlyDictionary<string, nn.Module> Modules { get; }

    /// <summary>The optimisers by name.</summary>
    IReadOnlyDictionary<string, AdamOptimizer> Optimizers { get; }

    /// <summary>One optimiser step on a batch of rows (on the device); the randomness comes from
    /// <paramref name="noise"/> only. Returns the loss shown in progress and a second figure for the
    /// metrics (the GAN's discriminator loss, for instance).</summary>
    (double Loss, double Other) Step(Tensor batch, double learningRate, Generator noise);
}

/// <summary>How long and how the loop runs.</summary>
/// <param name="Epochs">Passes over the data.</param>
/// <param name="BatchSize">Rows per step.</param>
/// <param name="LearningRate">The learning rate at a 0-based step of a run of the given length.</param>
/// <param name="Seed">Seeds the epoch orders and the noise generator.</param>
/// <param name="CheckpointEvery">Steps between mid-epoch checkpoints (0: at epoch ends only).</param>
public sealed record LoopSchedule(int Epochs, int BatchSize, Func<long, long, double> LearningRate, long Seed, int CheckpointEvery = 200);

/// <summary>The epoch loop of the generative networks (GAN, score model): seeded epoch orders and noise,
/// atomic checkpoints and exact resume, as <see cref="Trainer"/> does for the autoencoders.</summary>
public static class EpochLoop
{
    /// <summary>Trains <paramref name="model"/> on the rows of <paramref name="data"/> and returns the
    /// metrics of every epoch (of the resumed run too). Checkpoints go to <paramref name="outDir"/>.</summary>
    public static List<EpochMetrics> Run(ILoopModel model, Tensor data, LoopSchedule schedule, string outDir, TrainOptions options)
    {
        NativeHeap.KeepFreedPages();
        Directory.CreateDirectory(outDir);
        using var noise = new Generator((ulong)schedule.Seed + 1, options.Device);
        CheckpointState state = new();
        long count = data.shape[0];
        int batchesPerEpoch = Trainer.BatchesPerEpoch(count, schedule.BatchSize);
        if (options.Resume && Checkpoint.Find(outDir) is { } checkpointDir)
        {
            state = Checkpoint.Open(checkpointDir);
            Checkpoint.CheckPosition(checkpointDir, state, schedule.Epochs, batchesPerEpoch);
            foreach (var (name, module) in model.Modules) ModelStore.LoadModule(Path.Combine(checkpointDir, name + ".safetensors"), module, $"the {name} of this run");
            foreach (var (name, optimizer) in model.Optimizers) optimizer.Load(Path.Combine(checkpointDir, name + ".optimizer.safetensors"));
            Checkpoint.RestoreNoise(checkpointDir, state, noise);
        }

        options.Starting?.Invoke();
        long totalSteps = (long)batchesPerEpoch * schedule.Epochs, step = state.Step;
        var history = new List<EpochMetrics>(state.History);
        foreach (nn.Module module in model.Modules.Values) module.train();
        using GcPause.Scope gcPause = GcPause.Hold();

        for (int epoch = state.Epoch; epoch < schedule.Epochs; epoch++)
        {
            bool resuming = epoch == state.Epoch;
            double lossSum = resuming ? state.EpochLossSum : 0, otherSum = resuming ? state.EpochErrorSum : 0;
            double secondsBefore = resuming ? state.EpochSeconds : 0, lr = 0;
            var clock = Stopwatch.StartNew();
            using Tensor order = Trainer.EpochOrder(schedule.Seed, epoch, count);
            for (int batch = resuming ? state.Batch : 0; batch < batchesPerEpoch; batch++)
            {
                lr = schedule.LearningRate(step, totalSteps);
                double loss, other;
                GcPause.Ensure();
                using (var scope = NewDisposeScope())
                {
                    long start = (long)batch * schedule.BatchSize, end = Math.Min(start + schedule.BatchSize, count);
                    Tensor x = data.index_select(0, order.slice(0, start, end, 1)).to(options.Device);
                    (loss, other) = model.Step(x, lr, noise);
                }
                if (!double.IsFinite(loss)) throw new VAEaseException($"training diverged: the loss became {loss} at step {step + 1}");
                lossSum += loss;
                otherSum += other;
                step++;
                int done = batch + 1;
                options.Progress?.Report(new TrainProgress(epoch + 1, schedule.Epochs, step, totalSteps, loss, null, schedule.BatchSize, lr));
                bool cancelled = options.Cancellation.IsCancellationRequested;
                if (done < batchesPerEpoch && (cancelled || (schedule.CheckpointEvery > 0 && step % schedule.CheckpointEvery == 0)))
                    Save(outDir, model, noise, new CheckpointState
                    {
                        Step = step, Epoch = epoch, Batch = done, EpochLossSum = lossSum, EpochErrorSum = otherSum,
                        EpochSeconds = secondsBefore + clock.Elapsed.TotalSeconds, History = history,
                    });
                if (cancelled && done < batchesPerEpoch) options.Cancellation.ThrowIfCancellationRequested();
            }
            history.Add(new EpochMetrics(epoch + 1, step, lossSum / batchesPerEpoch, otherSum / batchesPerEpoch, null, lr,
                secondsBefore + clock.Elapsed.TotalSeconds));
            if (epoch + 1 < schedule.Epochs)
                Save(outDir, model, noise, new CheckpointState { Step = step, Epoch = epoch + 1, History = history });
            options.Cancellation.ThrowIfCancellationRequested();
        }
        foreach (nn.Module module in model.Modules.Values) module.eval();
        return history;
    }

    /// <summary>A whole run into a model folder, claimed for it (<see cref="RunLock"/>): the config first
    /// (<see cref="RunFiles.ConfigFile"/> of <paramref name="files"/>), then the loop, then every module as
    /// DIR/NAME.safetensors and DIR/metrics.json (config, versions, epochs as <paramref name="epochRow"/> names their
    /// figures); the checkpoint goes when the run is done. A run that fails leaves the folder resumable or as it was.</summary>
    public static List<EpochMetrics> TrainInto<TConfig>(string outDir, RunFiles files, TConfig config, ILoopModel model, Tensor data,
        LoopSchedule schedule, TrainOptions options, Func<EpochMetrics, object> epochRow)
    {
        using RunLock claim = RunLock.Acquire(outDir);
        TempFiles.RemoveStale(outDir);
        try
        {
            Json.Write(Path.Combine(outDir, files.ConfigFile), config);
            List<EpochMetrics> history = Run(model, data, schedule, outDir, options);
            foreach (var (name, module) in model.Modules) ModelStore.SaveModule(Path.Combine(outDir, name + ".safetensors"), module, name);
            Json.Write(Path.Combine(outDir, MetricsFile), new
            {
                config, versions = Versions.All, seconds = history.Sum(h => h.Seconds), epochs = history.Select(epochRow),
            });
            Checkpoint.Delete(outDir);
            return history;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            files.AfterFailure(outDir);
            throw;
        }
    }

    public const string MetricsFile = "metrics.json";

    private static void Save(string outDir, ILoopModel model, Generator noise, CheckpointState state) =>
        Checkpoint.Save(outDir, state with { NoiseState = Trainer.NoiseState(noise) }, dir =>
        {
            foreach (var (name, module) in model.Modules) ModelStore.SaveModule(Path.Combine(dir, name + ".safetensors"), module, name);
            foreach (var (name, optimizer) in model.Optimizers) optimizer.Save(Path.Combine(dir, name + ".optimizer.safetensors"));
        });
}
