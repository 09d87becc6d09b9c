namespace VAEase.Plotting;

/// <summary>One named set of bars of a <see cref="BarPlot"/>: Values[i] (and optional error-bar
/// half-length Errors[i], e.g. a standard deviation) for the i-th category.</summary>
public sealed record BarSeries(string Name, double[] Values, double[]? Errors = null);
