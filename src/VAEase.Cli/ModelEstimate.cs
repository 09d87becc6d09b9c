using System.Security.Cryptography;
using VAEase.Data;
using VAEase.Evaluation;
using VAEase.Experiments;
using VAEase.Intrinsic;
using VAEase.IO;
using VAEase.Models;
using VAEase.Training;
using static TorchSharp.torch;

namespace VAEase.Cli;

/// <summary>VAEase's intrinsic-dimension estimate for `vaease id`: the mean per-sample active dims of a
/// trained VAEase model (Section 5.3), from a given model folder or from one trained on the data with
/// its family's recipe (the same one `vaease train` uses).</summary>
internal static class ModelEstimate
{
    public const string Method = "vaease";

    /// <summary>Where and what to train: the run, its folder, and whether a run with the same config is
    /// already there (finished: reuse it; interrupted: resume it).</summary>
    public sealed record Plan(RunConfig Run, string Dir, bool Finished, bool Resume);

    /// <summary>Loads a trained VAEase model, checking its kind and that its input dimension is the data's.</summary>
    public static SparseAutoencoder Load(string dir, string spec, DataSpec.Info info, Device device)
    {
        var (model, run) = ModelStore.Load(dir, device);
        if (run.Model.Kind != ModelKind.VAEase || run.Model.InputDim != info.Dim)
        {
            model.Dispose();
            throw run.Model.Kind != ModelKind.VAEase
                ? new VAEaseException($"the model in {dir} is {Json.Name(run.Model.Kind)}; the {Method} estimate needs a vaease model")
                : new VAEaseException($"the model in {dir} expects d = {run.Model.InputDim} but {spec} has d = {info.Dim}");
        }
        Console.Error.WriteLine($"{Method}: using the model in {dir} (trained on {run.Data})");
        return model;
    }

    /// <summary>The recipe run for the data and the folder it goes to; refuses a folder holding anything else.</summary>
    public static Plan PlanTraining(string spec, string? outDir, int? epochs, long seed)
    {
        RunConfig recipe = Recipes.For(ModelKind.VAEase, spec);
        RunConfig run = recipe with { Training = recipe.Training with { Epochs = epochs ?? recipe.Training.Epochs, Seed = seed } };
        run.Validate();
        string dir = outDir ?? Path.Combine("runs", "id", $"{Slug(DataSpec.Canonical(spec))}-{Method}-seed{seed}-e{run.Training.Epochs}");
        if (RunFolder.HoldsRun(dir, ModelStore.ConfigFile, run, "training", $"pass --model {dir} to use its model, or another --out",
                c => c with { Data = DataSpec.Canonical(c.Data) }))
            return new Plan(run, dir, Finished: File.Exists(Path.Combine(dir, ModelStore.WeightsFile)), Resume: true);
        return new Plan(run, dir, Finished: false, Resume: false);
    }

    /// <summary>Reuses, resumes or trains the planned run, with the progress bar of `vaease train`.</summary>
    public static SparseAutoencoder Obtain(Plan plan, Device device, CancellationToken token)
    {
        if (plan.Finished)
        {
            Console.Error.WriteLine($"{Method}: reusing the model in {plan.Dir} (same data and recipe)");
            return ModelStore.Load(plan.Dir, device).Model;
        }
        RunConfig run = plan.Run;
        var (train, test) = DataSpec.LoadTrainTest(run.Data, run.Training.TestFraction, run.Training.Seed);
        using (train)
        using (test)
        {
            Devices.UseThreadsFor(run);
            Console.Error.WriteLine($"{Method}: {(plan.Resume ? "resuming" : "training")} a VAEase model on {run.Data} into {plan.Dir} " +
                                    $"({run.Training.Epochs} epochs, kappa = {run.Model.Latent}; reuse it with --model {plan.Dir})");
            TrainResult result = Trainer.Train(run, train, plan.Dir, new TrainOptions
            {
                Device = device, Resume = plan.Resume, Progress = new ProgressBar(Method), Cancellation = token,
            });
            Console.Error.WriteLine($"{Method}: trained in {result.Seconds:F1} s");
            return result.Model;
        }
    }

    /// <summary>Mean per-sample active dims over every row of the data, overall and per label (spec §4).</summary>
    public static DimensionEstimate Estimate(SparseAutoencoder model, Dataset data, Device device)
    {
        EvalReport report = Evaluator.Evaluate(model, data, device: device);
        SortedDictionary<long, long>? counts = data.Labels is null ? null
            : new(data.Labels.GroupBy(l => l).ToDictionary(g => g.Key, g => (long)g.Count()));
        return new DimensionEstimate
        {
            Method = Method,
            Dimension = report.MeanActiveDims,
            Aggregation = $"mean of per-sample active dims ({report.ActivityRule})",
            Points = report.Samples,
            PerGroup = report.MeanActiveDimsPerGroup,
            GroupCounts = counts,
            Settings = new SortedDictionary<string, double> { ["latent"] = report.Latent, ["dead_latents"] = report.DeadLatents },
        };
    }

    /// <summary>A folder name for a data spec: the canonical spec with unsafe characters replaced, or,
    /// when that is long (file paths), the family and a hash.</summary>
    private static string Slug(string canonical)
    {
        string safe = string.Concat(canonical.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '+' or '=' ? c : '_'));
        if (safe.Length <= 60) return safe;
        string hash = Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(canonical)))[..8];
        int kindEnd = safe.IndexOf('_');
        return $"{(kindEnd > 0 ? safe[..kindEnd] : "data")}-{hash}";
    }
}
