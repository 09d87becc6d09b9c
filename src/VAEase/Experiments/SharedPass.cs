using VAEase.Data;
using VAEase.Evaluation;
using VAEase.IO;
using VAEase.Training;

namespace VAEase.Experiments;

/// <summary>A run trained on a shared pass and evaluated on its held-out split.</summary>
/// <param name="Dir">Its folder.</param>
/// <param name="Run">Its config.</param>
/// <param name="Seconds">Its training time (its own steps and its share of drawing the batches).</param>
/// <param name="Report">Its evaluation on the held-out split.</param>
public sealed record SharedPassResult(string Dir, RunConfig Run, double Seconds, EvalReport Report);

/// <summary>`vaease sweep train`: the runs planned in several folders (each holding its config.json, as `vaease sweep` leaves
/// them) trained in one process on one pass over their shared data (<see cref="Trainer.TrainTogether"/>), a started one
/// resumed from its checkpoint. The data is read, split and normalised once.</summary>
public static class SharedPass
{
    /// <summary>Trains the runs of <paramref name="dirs"/> together and evaluates each on the held-out split (eval.json in its folder,
    /// as `vaease sweep report` writes it).
    /// <paramref name="starting"/> sees the first run once the checkpoints have passed their checks.</summary>
    public static IReadOnlyList<SharedPassResult> Train(IReadOnlyList<string> dirs, TrainOptions options, Action<RunConfig> starting)
    {
        if (dirs.Count == 0) throw new VAEaseException("no run folder given");
        if (dirs.Select(Path.GetFullPath).Distinct().Count() != dirs.Count) throw new VAEaseException("a run folder is given twice");
        List<RunConfig> runs = [.. dirs.Select(PlannedRun)];
        string key = SweepJobs.PassKey(runs[0]);
        if (runs.Select((run, i) => (run, i)).FirstOrDefault(x => SweepJobs.PassKey(x.run) != key) is { run: not null } other)
            throw new VAEaseException($"{dirs[other.i]} draws other batches than {dirs[0]} (data, split, seed, batch size, streaming or " +
                                      "normalisation differ): runs that share a pass must draw the same");
        using RunData data = RunData.Open(runs[0], dirs[0]);
        foreach (string dir in dirs.Skip(1))
            if (data.Normalization is { } normalization && !File.Exists(Path.Combine(dir, Normalization.File))) normalization.Save(dir);
        runs = [.. runs.Select(run => (run with { Model = run.Model with { InputDim = data.Train.Dim } }).Validate())];
        IReadOnlyList<TrainResult> trained = Trainer.TrainTogether([.. runs.Zip(dirs)], data.Train,
            options with { Resume = true, Starting = () => starting(runs[0]) });
        var results = new List<SharedPassResult>();
        foreach (var (result, i) in trained.Select((r, i) => (r, i)))
            using (result.Model)
            {
                Dataset test = data.Test();
                EvalReport report = Evaluator.Evaluate(result.Model, test, device: options.Device);
                // The sweep's report reads this instead of evaluating the member a second time (the same rows: RunData.HeldOut).
                Json.Write(Path.Combine(dirs[i], EvalFile.Name),
                    new EvalFile(dirs[i], runs[i].Data, EvalFile.SplitOf(runs[i], runs[i].Data, true, test.Count), runs[i], Versions.All, report));
                results.Add(new SharedPassResult(dirs[i], runs[i], result.Seconds, report));
            }
        return results;
    }

    /// <summary>The run planned or started in <paramref name="dir"/>; a finished one, or a folder without config.json, is refused.</summary>
    private static RunConfig PlannedRun(string dir)
    {
        string path = Path.Combine(dir, ModelStore.ConfigFile);
        if (!File.Exists(path)) throw new VAEaseException($"nothing planned in {dir} ({ModelStore.ConfigFile} is missing)");
        if (File.Exists(Path.Combine(dir, ModelStore.WeightsFile))) throw new VAEaseException($"the run in {dir} has already finished ({ModelStore.WeightsFile} exists)");
        return Json.Read<RunConfig>(path);
    }
}
