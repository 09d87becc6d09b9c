using VAEase.Data;
using VAEase.Generative;
using VAEase.Intrinsic;
using VAEase.Plotting;

namespace VAEase.Cli;

/// <summary>The output of `vaease id`: one column per method (and the truth where known), a row for
/// all points and one per group label, then how each method aggregates.</summary>
internal static class IdTable
{
    /// <summary>The truth of a synthetic union (labels are the piece indices); null for real data.</summary>
    public static IdTruth? Truth(DataSpec.Info info, long[]? labels)
    {
        if (info.Pieces.Count == 0 || labels is null) return null;
        var perGroup = new SortedDictionary<long, int>(Enumerable.Range(0, info.Pieces.Count).ToDictionary(i => (long)i, i => info.Pieces[i]));
        return new IdTruth(labels.Average(l => (double)info.Pieces[(int)l]), perGroup);
    }

    public static void Print(TextWriter w, string spec, Dataset data, IReadOnlyList<DimensionEstimate> estimates, IdTruth? truth)
    {
        w.WriteLine($"data  {spec}: {data.Count} rows, d = {data.Dim}{(data.Labels is null ? "" : $", {data.Labels.Distinct().Count()} groups")}");
        w.WriteLine();
        int[] widths = estimates.Select(e => Math.Max(8, e.Method.Length + 2)).ToArray();
        string header = $"{"group",-8}{"rows",9}{(truth is null ? "" : $"{"truth",8}")}" +
                        string.Concat(estimates.Select((e, i) => e.Method.PadLeft(widths[i])));
        w.WriteLine(header);
        string Cells(Func<DimensionEstimate, double?> value) =>
            string.Concat(estimates.Select((e, i) => (value(e) is { } v && double.IsFinite(v) ? v.ToString("F2") : "-").PadLeft(widths[i])));
        w.WriteLine($"{"all",-8}{data.Count,9}{(truth is null ? "" : $"{truth.All,8:F2}")}{Cells(e => e.Dimension)}");
        if (data.Labels is not null)
            foreach (var group in data.Labels.GroupBy(l => l).OrderBy(g => g.Key))
            {
                string truthCell = truth is null ? "" : truth.PerGroup.TryGetValue(group.Key, out int t) ? $"{t,8}" : $"{"-",8}";
                w.WriteLine($"{group.Key,-8}{group.Count(),9}{truthCell}{Cells(e => e.PerGroup?.TryGetValue(group.Key, out double v) == true ? v : null)}");
            }
        w.WriteLine();
        foreach (DimensionEstimate e in estimates)
        {
            string settings = string.Join(", ", e.Settings.Select(kv => $"{kv.Key} = {kv.Value:G4}"));
            string dropped = e.Dropped > 0 ? $", {e.Dropped} dropped (duplicate points)" : "";
            w.WriteLine($"{e.Method}: {e.Aggregation}; {e.Points} points{(e.Rows is null ? "" : " (seeded subset)")}{dropped}; {settings}");
        }
    }

    /// <summary>The diffusion estimators (NB, NB-c, FLIPD) at <paramref name="points"/> seeded rows of
    /// <paramref name="test"/> and the k-NN estimators on all of it, each family's wall time in <paramref name="seconds"/>.</summary>
    public static Dictionary<string, DimensionEstimate> DiffusionAndKnn(ScoreNetwork network, ScoreConfig score, Dataset test, int points, long seed,
        Dictionary<string, double> seconds)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var estimates = DiffusionEstimators.Run(network, score, test, DiffusionEstimators.Methods, new DiffusionEstimatorConfig { Points = points, Seed = seed })
            .ToDictionary(e => e.Method);
        seconds["nb_flipd"] = clock.Elapsed.TotalSeconds;
        clock.Restart();
        foreach (DimensionEstimate e in DimensionEstimation.Run(test, DimensionEstimation.Methods.Select(DimensionEstimation.Create).ToList()))
            estimates[e.Method] = e;
        seconds["knn"] = clock.Elapsed.TotalSeconds;
        return estimates;
    }

    /// <summary>Plots each diffusion estimate against the noise scale it used (NB: sigma; FLIPD: the VE sigma of
    /// its t0), on a log10 axis, with the truth and the other methods' estimates as flat lines.</summary>
    public static void SaveScalePlot(string path, string spec, IReadOnlyList<DimensionEstimate> estimates, IdTruth? truth)
    {
        static string Base(DimensionEstimate e) => e.Method.Split('@')[0];
        static double Scale(DimensionEstimate e) => e.Settings.TryGetValue("sigma", out double s) ? s : e.Settings["sigma_ve"];
        var diffusion = estimates.Where(e => DiffusionEstimators.Methods.Contains(Base(e))).ToList();
        if (diffusion.Count == 0) throw new VAEaseException("--plot draws the diffusion estimates against their noise scale: add nb or flipd to --methods");
        double[] span = [diffusion.Min(Scale), diffusion.Max(Scale)];
        double[] xs = span.Select(Math.Log10).ToArray();
        var series = diffusion.GroupBy(Base).Select(g => new Series(g.Key,
            g.Select(e => Math.Log10(Scale(e))).ToArray(), g.Select(e => e.Dimension).ToArray())).ToList();
        series.AddRange(estimates.Where(e => !DiffusionEstimators.Methods.Contains(Base(e)))
            .Select(e => new Series(e.Method, xs, [e.Dimension, e.Dimension])));
        if (truth is not null) series.Add(new Series("truth (mean)", xs, [truth.All, truth.All]));
        LinePlot.Save(path, series, new ChartLabels(spec.Length <= 48 ? $"ID vs noise scale: {spec}" : "ID vs noise scale", "log10 sigma (model coordinates; FLIPD: VE sigma of t0)", "estimated dimension"));
    }

    /// <summary>An estimate without its per-point arrays (as large as the data).</summary>
    public static object ForJson(DimensionEstimate e) => new
    {
        dimension = e.Dimension,
        per_group = e.PerGroup,
        group_counts = e.GroupCounts,
        aggregation = e.Aggregation,
        points = e.Points,
        subsampled = e.Rows is not null,
        dropped = e.Dropped,
        settings = e.Settings,
    };
}
