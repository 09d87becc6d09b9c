namespace VAEase.Plotting;

/// <summary>One named integer histogram of a <see cref="HistogramPlot"/>: value → count, e.g. active
/// latent dims per sample → number of samples.</summary>
public sealed record HistogramSeries(string Name, IReadOnlyDictionary<int, int> Counts)
{
    /// <summary>Counts how often each value occurs in <paramref name="samples"/>.</summary>
    public static HistogramSeries FromSamples(string name, IEnumerable<int> samples) =>
        new(name, samples.CountBy(v => v).ToDictionary(p => p.Key, p => p.Value));
}
