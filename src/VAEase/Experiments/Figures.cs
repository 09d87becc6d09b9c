using System.Globalization;
using System.Text;
using VAEase.Evaluation;
using VAEase.IO;
using VAEase.Models;
using VAEase.Plotting;
using VAEase.Training;

namespace VAEase.Experiments;

/// <summary>The image experiments' figures: Figure 4 (masking curves, PNG + CSV), per-class active dims,
/// per-sample active-dim histograms, and a gallery of originals against reconstructions.</summary>
public static class Figures
{
    public const string Masking = "masking.png";
    public const string MaskingCsv = "masking.csv";
    public const string PerClass = "per-class-active-dims.png";
    public const string Histograms = "active-dims-histograms.png";
    public const string Gallery = "gallery.png";

    /// <summary>Writes all figures of one image set's results into <paramref name="dir"/>.</summary>
    public static void WriteImageFigures(string dir, string set, IReadOnlyList<ImageModelResult> results, float[][] originals)
    {
        Directory.CreateDirectory(dir);
        int side = (int)Math.Round(Math.Sqrt(originals[0].Length));

        // Figure 4 leaves SAE-TopK out: its active dims are fixed by k.
        var curves = results.Where(r => r.Run.Model != ModelKind.SaeTopK).Select(r => r.Masking).ToList();
        if (curves.Count > 0)
        {
            MaskingPlot(Path.Combine(dir, Masking), set, curves);
            AtomicFile.WriteAllText(Path.Combine(dir, MaskingCsv), MaskingTable(curves));
        }

        if (results[0].Run.Report.MeanActiveDimsPerGroup is { } classes)
        {
            string[] categories = [.. classes.Keys.Select(c => c.ToString(CultureInfo.InvariantCulture))];
            BarPlot.Save(Path.Combine(dir, PerClass), categories,
                [.. results.Select(r => new BarSeries(Json.Name(r.Run.Model), [.. classes.Keys.Select(c => r.Run.Report.MeanActiveDimsPerGroup![c])]))],
                new ChartLabels($"{set}: mean active dims per class (test)", "class", "mean active dims per sample"));
        }

        HistogramPlot.Save(Path.Combine(dir, Histograms),
            [.. results.Select(r => new HistogramSeries(Json.Name(r.Run.Model), r.Run.Report.ActiveDimsHistogram.ToDictionary(kv => kv.Key, kv => (int)kv.Value)))],
            new ChartLabels($"{set}: active dims per test sample", "active dims", "samples"));

        List<IReadOnlyList<float[]>> rows = [originals, .. results.Select(r => (IReadOnlyList<float[]>)r.Gallery)];
        ImageGrid.Save(Path.Combine(dir, Gallery), rows, side, side,
            rowLabels: ["original", .. results.Select(r => Json.Name(r.Run.Model))], scale: 2);
    }

    /// <summary>Figure 4: RE against the number of kept latent dims, one line per model, log scale.</summary>
    public static void MaskingPlot(string path, string title, IReadOnlyList<MaskingResult> curves) =>
        LinePlot.Save(path,
            [.. curves.Select(m => new Series(Json.Name(m.Model), [.. m.Kept.Select(k => (double)k)], m.Re))],
            new ChartLabels($"{title}: reconstruction error as latent dims are masked (Figure 4)", "latent dims kept (most active first)", "RE (test)"),
            logY: true);

    /// <summary>The pooled activity of each latent dim, sorted from the most active, one line per group (manifold or
    /// class) or one for all samples when the data has no labels: what the pooled rule splits, so a clean gap after
    /// the k-th dim means k active dims. The legend gives the pooled count and the per-sample median.</summary>
    public static void ActivityPlot(string path, string title, EvalReport report, ActivityKind kind)
    {
        static double[] Ranks(int n) => [.. Enumerable.Range(1, n).Select(i => (double)i)];
        static double[] Sorted(double[] activity) => [.. activity.OrderByDescending(a => a)];
        List<Series> series = report.PooledActivityPerGroup is { } groups
            ? [.. groups.Select(g => new Series(
                $"group {g.Key}: {report.ActiveDimsPerGroup![g.Key]} pooled, median {report.MedianActiveDimsPerGroup![g.Key]:0.#}",
                Ranks(g.Value.Length), Sorted(g.Value)))]
            : [new Series($"all samples: median {report.ActiveDimsPerSample.Median:0.#}", Ranks(report.PooledActivity.Length), Sorted(report.PooledActivity))];
        string y = kind == ActivityKind.NegLogVariance ? "mean -log sigma^2 (higher = more active)" : "log of mean |z| (higher = more active)";
        LinePlot.Save(path, series, new ChartLabels($"{title}: latent activity per group, most active first", "latent dims, sorted by activity", y));
    }

    /// <summary>One training metric per epoch, one line per run (named by its folder); runs without the metric (log gamma
    /// of an SAE) are left out, and none having it is a VAEaseException. Error and learning rate on a log scale.</summary>
    public static void TrainingPlot(string path, TrainingMetric metric, IReadOnlyList<TrainingHistory> runs)
    {
        List<Series> series = [.. runs
            .Where(r => r.Epochs.Any(e => e.Value(metric) is not null))
            .Select(r => new Series(r.Finished ? r.Dir : $"{r.Dir} (in progress)",
                [.. r.Epochs.Select(e => (double)e.Epoch)], [.. r.Epochs.Select(e => e.Value(metric) ?? double.NaN)]))];
        if (series.Count == 0) throw new VAEaseException($"none of the runs records {Json.Name(metric)} (log gamma and reopened latents exist for the VAE family only; active dims and dead latents for runs trained since 2026-12-07)");
        string y = metric switch
        {
            TrainingMetric.Loss => "training loss (mean over the epoch)",
            TrainingMetric.Error => "training squared error per sample (sampled code)",
            TrainingMetric.LogGamma => "log gamma (decoder variance) at the epoch's end",
            TrainingMetric.ActiveDims => "mean active dims per sample (probe rows, epoch's end)",
            TrainingMetric.DeadLatents => "dead latents (off on every probe row, epoch's end)",
            TrainingMetric.Reopened => "dead latents reopened at the epoch's end",
            _ => "learning rate at the epoch's end",
        };
        LinePlot.Save(path, series, new ChartLabels($"training: {Json.Name(metric)} per epoch", "epoch", y),
            logY: metric is TrainingMetric.Error or TrainingMetric.LearningRate);
    }

    /// <summary>kept, then one RE column per model (curves with the same kept dims).</summary>
    public static string MaskingTable(IReadOnlyList<MaskingResult> curves)
    {
        if (curves.Any(c => !c.Kept.SequenceEqual(curves[0].Kept))) throw new ArgumentException("the curves keep different dims", nameof(curves));
        var text = new StringBuilder("kept," + string.Join(",", curves.Select(m => Json.Name(m.Model))) + "\n");
        for (int i = 0; i < curves[0].Kept.Length; i++)
            text.Append(curves[0].Kept[i].ToString(CultureInfo.InvariantCulture)).Append(',')
                .AppendJoin(",", curves.Select(m => m.Re[i].ToString("G6", CultureInfo.InvariantCulture))).Append('\n');
        return text.ToString();
    }
}
