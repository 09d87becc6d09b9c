using VAEase.Data;
using VAEase.Evaluation;
using VAEase.IO;
using VAEase.Models;
using VAEase.Training;

namespace VAEase.Experiments;

/// <summary>`vaease sweep report`: gathers a sweep's finished members (DIR/&lt;family&gt;/&lt;knob&gt;=&lt;value&gt;/, wherever they were
/// trained), evaluates each on its held-out split once (eval.json beside it, as `vaease eval --json` writes), and writes
/// DIR/results.json, DIR/frontier.png and the gap of every SAE family to VAEase.</summary>
public static class SweepReport
{
    /// <summary>The files written into the sweep's folder.</summary>
    public const string ResultsFile = "results.json", FrontierFile = "frontier.png";

    /// <summary>Gathers the members below <paramref name="root"/> and writes the results and the frontier.</summary>
    public static SweepResults Write(string root, TorchSharp.torch.Device device, TextWriter? progress = null)
    {
        if (!Directory.Exists(root)) throw new VAEaseException($"no sweep in {root} (the folder does not exist)");
        List<string> dirs = [.. MemberDirs(root)];
        if (dirs.Count == 0) throw new VAEaseException($"no sweep in {root}: no member folder <family>/<knob>=<value>/ holds a {ModelStore.ConfigFile}");
        var rows = new List<(SweepMember Member, SweepRow Row, EvalReport Report)>();
        var unfinished = new List<string>();
        using (var heldOut = new HeldOutSets())
            foreach (string dir in dirs)
            {
                RunConfig run = Json.Read<RunConfig>(Path.Combine(dir, ModelStore.ConfigFile));
                SweepMember member = SweepMember.Of(run);
                string folder = Path.GetRelativePath(root, dir);
                if (Evaluation(dir, run, device, heldOut, progress) is not { } report)
                {
                    unfinished.Add(folder);
                    continue;
                }
                var (steps, seconds) = File.Exists(Path.Combine(dir, Trainer.MetricsFile)) ? ExperimentRun.ReadMetrics(dir) : (0, double.NaN);
                rows.Add((member, new SweepRow(member.Family, member.Knob, member.Value, run.Training.Seed, folder, report.L0, report.Fvu,
                    report.MeanActiveDims, report.DeadFraction, report.DenseFraction, seconds, steps), report));
            }
        rows = [.. rows.OrderBy(r => SweepConfig.AllFamilies.ToList().IndexOf(r.Member.Kind)).ThenBy(r => r.Member.Value).ThenBy(r => r.Row.Seed)];

        List<SweepRow> vaease = [.. rows.Where(r => r.Member.Kind == ModelKind.VAEase).Select(r => r.Row)];
        FrontierPoint? point = vaease.Count == 0 ? null : new FrontierPoint(vaease.Average(r => r.L0), vaease.Average(r => r.Fvu));
        Dictionary<string, IReadOnlyList<FrontierPoint>> saes = rows.Where(r => !r.Member.Run.Model.IsVariational)
            .GroupBy(r => r.Row.Family).ToDictionary(g => g.Key, g => (IReadOnlyList<FrontierPoint>)[.. g.Select(r => new FrontierPoint(r.Row.L0, r.Row.Fvu))]);
        var results = new SweepResults(
            [.. rows.Select(r => DataSpec.Canonical(r.Member.Run.Data)).Distinct()],
            rows.Select(r => r.Report.FvuRule).FirstOrDefault() ?? "",
            rows.GroupBy(r => r.Row.Family).ToDictionary(g => g.Key, g => g.First().Report.L0Rule),
            point, vaease.Count, point is null ? [] : FrontierGap.Table(saes, point), [.. rows.Select(r => r.Row)], unfinished);
        Json.Write(Path.Combine(root, ResultsFile), new { command = "vaease sweep", versions = Versions.All, results });
        if (results.Members.Any(r => r.L0 > 0)) FrontierPlot(Path.Combine(root, FrontierFile), results);
        return results;
    }

    /// <summary>The frontier: FVU against L0 (log scale), a line through each SAE family's swept points, VAEase and the VAE as
    /// marked points (one per seed). Members of L0 0 (every latent off), which a log axis cannot place, are left out. FVU is on
    /// a log scale too when it spans more than a decade (a trained frontier runs from ~1e-5 to ~0.5: on a linear axis every
    /// point below 0.01 sits on the floor).</summary>
    public static void FrontierPlot(string path, SweepResults results)
    {
        var series = new List<Plotting.Series>();
        foreach (var family in results.Members.Where(r => r.L0 > 0).GroupBy(r => r.Family))
        {
            SweepRow[] points = [.. family.OrderBy(r => r.L0)];
            bool variational = family.Key is "vaease" or "vae";
            string name = variational && points.Length > 1 ? $"{family.Key} ({points.Length} seeds)" : family.Key;
            series.Add(new Plotting.Series(name, [.. points.Select(r => r.L0)], [.. points.Select(r => r.Fvu)], Markers: variational));
        }
        string title = results.Data.Count == 1 && results.Data[0].Length <= 40 ? $"{results.Data[0]}: L0-FVU frontier" : "sweep: L0-FVU frontier";
        double[] fvu = [.. series.SelectMany(x => x.Y)];
        bool logY = fvu.All(f => f > 0) && fvu.Max() > 10 * fvu.Min();
        Plotting.LinePlot.Save(path, series, new Plotting.ChartLabels(title, "L0: code entries in use per sample (log scale)",
            logY ? "FVU (held-out split, log scale)" : "FVU (held-out split)"), logY: logY, logX: true);
    }

    /// <summary>The member folders below <paramref name="root"/>: &lt;family&gt;/&lt;knob&gt;=&lt;value&gt;/ holding a config.json (the
    /// plan's folder aside), in name order.</summary>
    private static IEnumerable<string> MemberDirs(string root) =>
        Directory.GetDirectories(root).Where(d => Path.GetFileName(d) != SweepJobs.PlanFolder).Order(StringComparer.Ordinal)
            .SelectMany(family => Directory.GetDirectories(family).Order(StringComparer.Ordinal))
            .Where(d => File.Exists(Path.Combine(d, ModelStore.ConfigFile)));

    /// <summary>The member's evaluation: its eval.json, or, for a finished member without one, a new evaluation on its held-out
    /// split written there; null while it is unfinished.</summary>
    private static EvalReport? Evaluation(string dir, RunConfig run, TorchSharp.torch.Device device, HeldOutSets heldOut, TextWriter? progress)
    {
        string path = Path.Combine(dir, EvalFile.Name);
        if (File.Exists(path)) return Json.Read<EvalFile>(path).Results;
        if (!ExperimentRun.IsFinished(dir)) return null;
        var (model, saved) = ModelStore.Load(dir, device);
        using (model)
        {
            using Normalization? normalization = Normalization.Load(dir, saved.Normalize, saved.Model.InputDim);
            Dataset test = heldOut.Of(saved, normalization);
            EvalReport report = Evaluator.Evaluate(model, test, device: device);
            Json.Write(path, new EvalFile(dir, saved.Data, EvalFile.SplitOf(saved, saved.Data, true, test.Count), saved, Versions.All, report));
            progress?.WriteLine($"evaluated {dir}: FVU {report.Fvu:G4}, L0 {report.L0:F2}");
            return report;
        }
    }

    /// <summary>The held-out splits of the members, each generated or read once: members of one sweep mostly share theirs.</summary>
    private sealed class HeldOutSets : IDisposable
    {
        private readonly Dictionary<string, Dataset> sets = [];
        private readonly List<Dataset> own = [];

        /// <summary>The run's held-out split, normalised as the run was; shared between runs of the same split when not normalised.</summary>
        public Dataset Of(RunConfig run, Normalization? normalization)
        {
            if (normalization is not null)
            {
                own.Add(RunData.HeldOut(run, normalization));
                return own[^1];
            }
            string key = Json.Serialize(new { data = DataSpec.Canonical(run.Data), run.Training.TestFraction, run.Training.Seed, run.Stream });
            if (!sets.TryGetValue(key, out Dataset? set)) sets[key] = set = RunData.HeldOut(run, null);
            return set;
        }

        public void Dispose()
        {
            foreach (Dataset set in sets.Values.Concat(own)) set.Dispose();
        }
    }
}
