namespace VAEase.Plotting;

/// <summary>The texts of a chart: title above, axis labels below and left. Empty strings are left out.</summary>
public sealed record ChartLabels(string Title = "", string XLabel = "", string YLabel = "");
