using VAEase.Data;
using VAEase.Evaluation;
using VAEase.Models;
using VAEase.Training;

namespace VAEase.Experiments;

/// <summary>One trained and evaluated model of a synthetic-union experiment.</summary>
/// <param name="Model">Which model.</param>
/// <param name="Seed">Its training seed.</param>
/// <param name="Report">Evaluation on the held-out test split.</param>
/// <param name="Seconds">Training wall time.</param>
/// <param name="Steps">Optimiser steps.</param>
public sealed record SyntheticResult(ModelKind Model, long Seed, EvalReport Report, double Seconds, long Steps)
{
    /// <summary>Per-manifold active dims by the per-sample median rule, in piece order.</summary>
    public double[] MedianPerPiece(int pieces) =>
        Enumerable.Range(0, pieces).Select(i => Report.MedianActiveDimsPerGroup!.GetValueOrDefault(i, double.NaN)).ToArray();

    /// <summary>Per-manifold active dims by the paper's pooled rule, in piece order.</summary>
    public int[] PooledPerPiece(int pieces) =>
        Enumerable.Range(0, pieces).Select(i => Report.ActiveDimsPerGroup!.GetValueOrDefault(i, -1)).ToArray();
}

/// <summary>Trains a model on a synthetic union's 90% split and evaluates it on the 10% test split.
/// Long experiments survive interruption: a folder that already holds this exact run, finished, is
/// evaluated again without training; one that holds its checkpoint is resumed.</summary>
public static class SyntheticRun
{
    public static SyntheticResult TrainAndEvaluate(RunConfig run, Dataset all, string dir, TrainOptions options)
    {
        var (train, test) = all.Split(run.Training.TestFraction, run.Training.Seed);
        using (train)
        using (test)
        {
            string configPath = Path.Combine(dir, ModelStore.ConfigFile);
            bool sameRun = File.Exists(configPath) && IO.Json.Read<RunConfig>(configPath) == run;
            SparseAutoencoder model;
            double seconds;
            long steps;
            if (sameRun && File.Exists(Path.Combine(dir, ModelStore.WeightsFile)) && File.Exists(Path.Combine(dir, Trainer.MetricsFile)))
            {
                (model, _) = ModelStore.Load(dir, options.Device);
                (steps, seconds) = IO.Json.Read<SavedMetrics>(Path.Combine(dir, Trainer.MetricsFile));
            }
            else
            {
                if (!sameRun && Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
                TrainResult result = Trainer.Train(run, train, dir, options with { Resume = sameRun });
                (model, seconds) = (result.Model, result.Seconds);
                steps = result.History.Count > 0 ? result.History[^1].Step : 0;
            }
            using (model)
                return new SyntheticResult(run.Model.Kind, run.Training.Seed, Evaluator.Evaluate(model, test, device: options.Device), seconds, steps);
        }
    }

    private sealed record SavedMetrics(long Steps, double Seconds);
}
