namespace VAEase.Cli;

/// <summary>The true dimensions of a synthetic union: each piece's, and their mean over the rows
/// (the figure a mean of per-point estimates should reach).</summary>
internal sealed record IdTruth(double All, SortedDictionary<long, int> PerGroup);
