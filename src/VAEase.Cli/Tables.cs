using VAEase.Evaluation;
using VAEase.Experiments;
using VAEase.Models;
using VAEase.IO;
using VAEase.Training;

namespace VAEase.Cli;

/// <summary>Plain-text tables for the terminal.</summary>
public static class Tables
{
    public static void PrintReport(TextWriter w, RunConfig run, string data, string split, EvalReport r)
    {
        var m = run.Model;
        w.WriteLine($"model        {Json.Name(m.Kind)} ({Json.Name(m.Encoder)} encoder, {Json.Name(m.Decoder)} decoder, kappa {m.Latent}), trained on {run.Data}");
        w.WriteLine($"data         {data}: {split}, {r.Samples} samples");
        w.WriteLine($"RE           {r.Re:G5}   (mean per-sample sum of squared errors, deterministic code)");
        w.WriteLine($"FVU          {r.Fvu:G5}   ({r.FvuRule})");
        if (r.NonzeroPerSample is null) w.WriteLine($"FVU at L0    {r.FvuAtL0:G5}   (each sample's code kept to the dims its L0 counts, the rest set to 0)");
        var s = r.ActiveDimsPerSample;
        w.WriteLine($"active dims  mean {s.Mean:F2}, median {s.Median:F1}, std {s.Std:F2}, min {s.Min}, max {s.Max}   ({r.ActivityRule})");
        if (r.NonzeroPerSample is { } nz) w.WriteLine($"nonzeros     mean {nz.Mean:F2} per sample (the authors' SAE count)");
        w.WriteLine($"dead latents {r.DeadLatents} of {r.Latent}");
        w.WriteLine($"histogram    {Histogram(r.ActiveDimsHistogram)}   (active dims: samples)");
        var l0 = r.L0PerSample;
        w.WriteLine($"L0           mean {l0.Mean:F2}, median {l0.Median:F1}, std {l0.Std:F2}, min {l0.Min}, max {l0.Max}   ({r.L0Rule} per sample)");
        w.WriteLine($"latents      {r.DeadFraction:P1} dead (in use on no sample), {r.DenseFraction:P1} dense (in use on > {Evaluator.DenseShare:P0} of samples), by the L0 count");
        if (r.NonzeroPerSample is not null) w.WriteLine($"L0 histogram {Histogram(r.L0Histogram)}   (L0: samples)");
        if (r.ActiveDimsPerGroup is { } groups)
        {
            w.WriteLine();
            w.WriteLine("group  active dims (pooled rule)  per-sample active dims: median  mean");
            foreach (var (g, count) in groups)
                w.WriteLine($"{g,5}  {count,25}  {r.MedianActiveDimsPerGroup![g],31:F1}  {r.MeanActiveDimsPerGroup![g],5:F2}");
        }
    }

    /// <summary>The splice of a minilm-act model's reconstructions into all-MiniLM-L6-v2 (<see cref="DownstreamFidelity"/>).</summary>
    public static void PrintDownstream(TextWriter w, DownstreamFidelity f)
    {
        w.WriteLine($"downstream   layer {f.Layer} of all-MiniLM-L6-v2 replaced on {f.Sentences} held-out sentences ({f.Tokens} tokens); sentence-embedding cosine to the original:");
        w.WriteLine($"             model {f.CosModel:F4}, zero ablation {f.CosZero:F4}, mean ablation {f.CosMean:F4}; fidelity recovered {f.FidelityRecovered:F4}");
        w.WriteLine($"             nearest held-out neighbour kept: model {f.NeighboursModel:P1}, zero ablation {f.NeighboursZero:P1}, mean ablation {f.NeighboursMean:P1}");
    }

    private static string Histogram(SortedDictionary<int, long> histogram) => string.Join("  ", histogram.Select(kv => $"{kv.Key}:{kv.Value}"));

    /// <summary>Active dims per manifold of each trained model next to the truth (and the paper's numbers
    /// where given): the per-sample median rule, then the paper's pooled rule.</summary>
    public static void PrintUnionTable(TextWriter w, string title, IReadOnlyList<int> truth, IEnumerable<RunResult> rows,
        IReadOnlyDictionary<ModelKind, int[]>? paper = null)
    {
        int pieces = truth.Count;
        string Cells(IEnumerable<double> values) => string.Concat(values.Select(v => $"{v,5:0.#}"));
        string names = string.Concat(Enumerable.Range(1, pieces).Select(i => $"{"M" + i,5}"));
        string paperHeader = paper is null ? "" : names;
        w.WriteLine();
        w.WriteLine(title);
        w.WriteLine($"{"",-15}{"per-sample median".PadRight(5 * pieces + 8)}{"pooled (paper's rule)".PadRight(5 * pieces)}{(paper is null ? "" : "   paper")}");
        w.WriteLine($"{"model",-10}{"seed",5}{names}{"exact",8}{names}{paperHeader}{"mean AD",10}{"RE",11}{"time",8}");
        string truthCells = Cells(truth.Select(p => (double)p));
        w.WriteLine($"{"truth",-15}{truthCells}{"",8}{truthCells}{(paper is null ? "" : truthCells)}");
        foreach (RunResult r in rows)
        {
            double[] median = r.MedianPerPiece(pieces);
            bool exact = median.SequenceEqual(truth.Select(p => (double)p));
            string paperCells = paper is null ? "" : paper.TryGetValue(r.Model, out int[]? p) ? Cells(p.Select(v => (double)v)) : new string(' ', 5 * pieces);
            w.WriteLine($"{Json.Name(r.Model),-10}{r.Seed,5}{Cells(median)}{(exact ? "yes" : "no"),8}{Cells(r.PooledPerPiece(pieces).Select(v => (double)v))}" +
                        $"{paperCells}{r.Report.MeanActiveDims,10:F2}{r.Report.Re,11:G3}{r.Seconds,7:F0}s");
        }
        w.WriteLine("per-sample median: over a manifold's test points, of each point's own active dims (variance split of its log sigma^2,");
        w.WriteLine("or of log|z| over its nonzero entries for SAEs); pooled: one split of the manifold's mean activity (the paper's rule).");
    }
}
