using VAEase.Evaluation;
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
        w.WriteLine($"FVU          {r.Fvu:G5}");
        var s = r.ActiveDimsPerSample;
        w.WriteLine($"active dims  mean {s.Mean:F2}, median {s.Median:F1}, std {s.Std:F2}, min {s.Min}, max {s.Max}   ({r.ActivityRule})");
        if (r.NonzeroPerSample is { } nz) w.WriteLine($"nonzeros     mean {nz.Mean:F2} per sample (the authors' SAE count)");
        w.WriteLine($"dead latents {r.DeadLatents} of {r.Latent}");
        w.WriteLine($"histogram    {string.Join("  ", r.ActiveDimsHistogram.Select(kv => $"{kv.Key}:{kv.Value}"))}   (active dims: samples)");
        if (r.ActiveDimsPerGroup is { } groups)
        {
            w.WriteLine();
            w.WriteLine("group  active dims (pooled rule)  per-sample active dims: median  mean");
            foreach (var (g, count) in groups)
                w.WriteLine($"{g,5}  {count,25}  {r.MedianActiveDimsPerGroup![g],31:F1}  {r.MeanActiveDimsPerGroup![g],5:F2}");
        }
    }
}
