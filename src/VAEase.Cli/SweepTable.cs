using VAEase.Experiments;

namespace VAEase.Cli;

/// <summary>The sweep's members and the gap of each SAE family to VAEase, as plain text.</summary>
public static class SweepTable
{
    public static void Print(TextWriter w, SweepResults r)
    {
        w.WriteLine();
        w.WriteLine($"sweep of {string.Join(", ", r.Data)}: {r.Members.Count} finished{(r.Unfinished.Count > 0 ? $", {r.Unfinished.Count} not yet ({string.Join(", ", r.Unfinished)})" : "")}; held-out split");
        w.WriteLine($"{"family",-14}{"knob",-12}{"seed",5}{"L0",9}{"FVU",10}{"AD",8}{"dead",8}{"dense",8}{"time",9}");
        foreach (SweepRow m in r.Members)
            w.WriteLine($"{m.Family,-14}{$"{m.Knob}={Ladder.Format(m.Value)}",-12}{m.Seed,5}{m.L0,9:F2}{m.Fvu,10:G4}{m.Ad,8:F2}{m.DeadFraction,8:P0}{m.DenseFraction,8:P0}{m.Seconds,8:F1}s");
        w.WriteLine($"FVU: {r.FvuDefinition}");
        foreach (var rule in r.L0Definitions.GroupBy(kv => kv.Value))
            w.WriteLine($"L0 of {string.Join(", ", rule.Select(kv => kv.Key))}: {rule.Key}");
        w.WriteLine();
        if (r.Vaease is not { } v)
        {
            w.WriteLine("no finished VAEase member: no gap table");
            return;
        }
        w.WriteLine($"VAEase: L0 {FrontierGap.Number(v.L0)}, FVU {FrontierGap.Number(v.Fvu)} (mean over {r.VaeaseSeeds} seed{(r.VaeaseSeeds == 1 ? "" : "s")}); each SAE read off its frontier, linear in log L0:");
        int width = r.Gap.Select(g => g.FvuAtL0.Text.Length).Append("FVU at VAEase's L0".Length).Max() + 3;
        w.WriteLine($"{"family",-14}{"FVU at VAEase's L0".PadRight(width)}L0 to reach VAEase's FVU");
        foreach (FrontierGapRow g in r.Gap)
            w.WriteLine($"{g.Family,-14}{g.FvuAtL0.Text.PadRight(width)}{g.L0AtFvu.Text}");
    }
}
