namespace VAEase.Plotting;

/// <summary>One named line of a <see cref="LinePlot"/>: points (X[i], Y[i]) joined in the given order, or with
/// <paramref name="Markers"/> drawn as marked points alone (a model that is one point, not a swept curve).</summary>
public sealed record Series(string Name, double[] X, double[] Y, bool Markers = false);
