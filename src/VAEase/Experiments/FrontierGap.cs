using System.Globalization;

namespace VAEase.Experiments;

/// <summary>A point of a sparsity-error frontier: a model's L0 and FVU on held-out rows.</summary>
public sealed record FrontierPoint(double L0, double Fvu);

/// <summary>A number read off a frontier, or why there is none, in words.</summary>
/// <param name="Value">The number; null when the frontier does not give one.</param>
/// <param name="Text">The number as printed, or the reason (out of range, not reached).</param>
public sealed record FrontierValue(double? Value, string Text);

/// <summary>How far one SAE family's frontier is from VAEase: its FVU at VAEase's L0, and the L0 it needs for VAEase's FVU.</summary>
/// <param name="Family">The SAE family.</param>
/// <param name="FvuAtL0">Its FVU at VAEase's L0.</param>
/// <param name="L0AtFvu">The L0 at which it reaches VAEase's FVU.</param>
public sealed record FrontierGapRow(string Family, FrontierValue FvuAtL0, FrontierValue L0AtFvu);

/// <summary>Reads a swept family's frontier between its points: FVU is taken as linear in log L0 between neighbouring points
/// (sorted by L0; points of equal L0 merged into their mean FVU; points of L0 0, which log L0 cannot place, left out).
/// Nothing is extrapolated beyond the swept L0s.</summary>
public static class FrontierGap
{
    /// <summary>The FVU of the frontier at <paramref name="l0"/>: for x = log L0 between neighbours x_i &lt;= x &lt;= x_{i+1},
    /// FVU_i + (x - x_i) / (x_{i+1} - x_i) · (FVU_{i+1} - FVU_i). Out of range outside the swept L0s.</summary>
    public static FrontierValue FvuAt(IReadOnlyList<FrontierPoint> frontier, double l0)
    {
        FrontierPoint[] p = Curve(frontier);
        if (p.Length == 0) return new(null, "no point");
        if (!(l0 >= p[0].L0 && l0 <= p[^1].L0)) return new(null, $"out of range (L0 {Range(p)} swept)");
        for (int i = 0; i + 1 < p.Length; i++)
            if (l0 <= p[i + 1].L0)
            {
                double t = (Math.Log(l0) - Math.Log(p[i].L0)) / (Math.Log(p[i + 1].L0) - Math.Log(p[i].L0));
                return Found(p[i].Fvu + t * (p[i + 1].Fvu - p[i].Fvu));
            }
        return Found(p[0].Fvu); // a single point, at exactly that L0
    }

    /// <summary>The smallest L0 at which the frontier reaches <paramref name="fvu"/> (FVU &lt;= it): on the first segment, from
    /// the lowest L0 up, that crosses it, log L0 = x_i + (fvu - FVU_i) / (FVU_{i+1} - FVU_i) · (x_{i+1} - x_i). When the smallest L0
    /// swept already reaches it, that L0 as a bound (≤); when no point does, not reached.</summary>
    public static FrontierValue L0For(IReadOnlyList<FrontierPoint> frontier, double fvu)
    {
        FrontierPoint[] p = Curve(frontier);
        if (p.Length == 0) return new(null, "no point");
        if (p[0].Fvu <= fvu) return new(p[0].L0, $"≤ {Number(p[0].L0)} (reached at the smallest L0 swept)");
        for (int i = 0; i + 1 < p.Length; i++)
            if (p[i + 1].Fvu <= fvu)
            {
                double t = (fvu - p[i].Fvu) / (p[i + 1].Fvu - p[i].Fvu);
                return Found(Math.Exp(Math.Log(p[i].L0) + t * (Math.Log(p[i + 1].L0) - Math.Log(p[i].L0))));
            }
        return new(null, $"not reached (FVU ≥ {Number(p.Min(q => q.Fvu))} over L0 {Range(p)})");
    }

    /// <summary>The gap of each family's frontier to VAEase's point.</summary>
    public static IReadOnlyList<FrontierGapRow> Table(IReadOnlyDictionary<string, IReadOnlyList<FrontierPoint>> families, FrontierPoint vaease) =>
        [.. families.Select(f => new FrontierGapRow(f.Key, FvuAt(f.Value, vaease.L0), L0For(f.Value, vaease.Fvu)))];

    /// <summary>The points that log L0 can place, sorted by L0, those of equal L0 merged into their mean FVU.</summary>
    private static FrontierPoint[] Curve(IReadOnlyList<FrontierPoint> frontier) =>
        [.. frontier.Where(q => q.L0 > 0 && double.IsFinite(q.L0) && double.IsFinite(q.Fvu))
            .GroupBy(q => q.L0).Select(g => new FrontierPoint(g.Key, g.Average(q => q.Fvu))).OrderBy(q => q.L0)];

    private static FrontierValue Found(double value) => new(value, Number(value));

    private static string Range(FrontierPoint[] p) => $"{Number(p[0].L0)}–{Number(p[^1].L0)}";

    /// <summary>Four significant digits.</summary>
    public static string Number(double value) => value.ToString("G4", CultureInfo.InvariantCulture);
}
