using VAEase.Data;
using VAEase.Evaluation;
using VAEase.Models;
using VAEase.Training;

namespace VAEase.Experiments;

/// <summary>One trained and evaluated model of an experiment.</summary>
/// <param name="Model">Which model.</param>
/// <param name="Seed">Its training seed.</param>
/// <param name="Report">Evaluation on the held-out test split.</param>
/// <param name="Seconds">Training wall time.</param>
/// <param name="Steps">Optimiser steps.</param>
public sealed record RunResult(ModelKind Model, long Seed, EvalReport Report, double Seconds, long Steps)
{
    /// <summary>Per-manifold active dims by the per-sample median rule, in piece order.</summary>
    public double[] MedianPerPiece(int pieces) =>
        Enumerable.Range(0, pieces).Select(i => Report.MedianActiveDimsPerGroup!.GetValueOrDefault(i, double.NaN)).ToArray();

    /// <summary>Per-manifold active dims by the paper's pooled rule, in piece order.</summary>
    public int[] PooledPerPiece(int pieces) =>
        Enumerable.Range(0, pieces).Select(i => Report.ActiveDimsPerGroup!.GetValueOrDefault(i, -1)).ToArray();
}

/// <summary>Trains a model and evaluates it on held-out data. Long experiments survive interruption: a
/// folder that already holds this exact run, finished, is evaluated again without training; one that
/// holds its checkpoint is resumed.</summary>
public static class ExperimentRun
{
    /// <summary>Trains on a seeded random split of <paramref name="all"/> and evaluates on the rest.</summary>
    public static RunResult TrainAndEvaluate(RunConfig run, Dataset all, string dir, TrainOptions options)
    {
        var (train, test) = all.Split(run.Training.TestFraction, run.Training.Seed);
        using (train)
        using (test)
            return TrainAndEvaluate(run, train, test, dir, options);
    }

    /// <summary>Trains on <paramref name="train"/> (or reuses the finished run in <paramref name="dir"/>) and
    /// evaluates on <paramref name="test"/>.</summary>
    public static RunResult TrainAndEvaluate(RunConfig run, Dataset train, Dataset test, string dir, TrainOptions options)
    {
        using SparseAutoencoder model = TrainOrLoad(run, train, dir, options, out double seconds, out long steps);
        return new RunResult(run.Model.Kind, run.Training.Seed, Evaluator.Evaluate(model, test, device: options.Device), seconds, steps);
    }

    /// <summary>The trained model of the run in <paramref name="dir"/>: loaded if that exact run has finished,
    /// resumed from its checkpoint if it has started, trained from scratch into a missing or empty folder. A folder
    /// holding another run is refused (<see cref="RunFolder"/>).</summary>
    public static SparseAutoencoder TrainOrLoad(RunConfig run, Dataset train, string dir, TrainOptions options, out double seconds, out long steps)
    {
        bool sameRun = RunFolder.HoldsRun(dir, ModelStore.ConfigFile, run, "training");
        if (sameRun && IsFinished(dir))
        {
            var (model, _, s, n) = LoadFinished(dir, options.Device);
            (seconds, steps) = (s, n);
            return model;
        }
        TrainResult result = Trainer.Train(run, train, dir, options with { Resume = sameRun });
        seconds = result.Seconds;
        steps = result.History.Count > 0 ? result.History[^1].Step : 0;
        return result.Model;
    }

    /// <summary>Whether <paramref name="dir"/> holds a finished run (weights and final metrics).</summary>
    public static bool IsFinished(string dir) =>
        File.Exists(Path.Combine(dir, ModelStore.WeightsFile)) && File.Exists(Path.Combine(dir, Trainer.MetricsFile));

    /// <summary>The model of a finished run, its config, and its training time and steps.</summary>
    public static (SparseAutoencoder Model, RunConfig Run, double Seconds, long Steps) LoadFinished(string dir, TorchSharp.torch.Device? device = null)
    {
        var (steps, seconds) = ReadMetrics(dir);
        var (model, run) = ModelStore.Load(dir, device);
        return (model, run, seconds, steps);
    }

    /// <summary>The optimiser steps and training seconds of a finished run (its metrics.json).</summary>
    public static (long Steps, double Seconds) ReadMetrics(string dir)
    {
        var (steps, seconds) = IO.Json.Read<SavedMetrics>(Path.Combine(dir, Trainer.MetricsFile));
        return (steps, seconds);
    }

    private sealed record SavedMetrics(long Steps, double Seconds);
}
