using VAEase.Data;
using VAEase.Evaluation;
using VAEase.Models;
using VAEase.Networks;
using VAEase.Training;

namespace VAEase.Tests.Training;

/// <summary>Small training runs shared by the tests: each trains in seconds on 2 cores.</summary>
internal static class TrainingFixture
{
    public static string TempDir()
    {
        string dir = Path.Combine(Path.GetTempPath(), "vaease-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.GetDirectoryName(dir)!);
        return dir;
    }

    /// <summary>The linear-union recipe of spec §2 scaled down: batch 512, the given epochs and latent size,
    /// one cosine cycle over the run.</summary>
    public static RunConfig Run(ModelKind kind, string data, int epochs, int topK = 3, int latent = 10)
    {
        RunConfig recipe = Recipes.Synthetic(kind, "linear", data, DataSpec.Describe(data).Dim, topK);
        return recipe with
        {
            Model = recipe.Model with { Latent = latent },
            Training = recipe.Training with { Epochs = epochs, BatchSize = 512, CheckpointEvery = 0, RestartPeriod = 0 },
        };
    }

    /// <summary>Trains on the 90% split and evaluates on the 10% test split.</summary>
    public static (TrainResult Result, EvalReport Report) TrainAndEvaluate(RunConfig run, TrainOptions? options = null)
    {
        using Dataset all = DataSpec.Load(run.Data);
        var (train, test) = all.Split(run.Training.TestFraction, run.Training.Seed);
        using (train)
        using (test)
        {
            string dir = TempDir();
            try
            {
                TrainResult result = Trainer.Train(run, train, dir, options ?? new TrainOptions());
                return (result, Evaluator.Evaluate(result.Model, test));
            }
            finally
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }
}
