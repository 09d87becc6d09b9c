namespace VAEase.Plotting;

/// <summary>One named line of a <see cref="LinePlot"/>: points (X[i], Y[i]) joined in the given order.</summary>
public sealed record Series(string Name, double[] X, double[] Y);
