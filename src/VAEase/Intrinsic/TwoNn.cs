namespace VAEase.Intrinsic;

/// <summary>TwoNN of Facco et al. (ID-ESTIMATION.md): mu = r2 / r1 per point is Pareto with exponent
/// the dimension, so -log(1 - F(mu)) = d log(mu). Sort the N values of mu, drop the largest
/// <c>discardFraction</c>, and fit the slope through the origin of -log(1 - i/N) on log mu_(i),
/// i = 1..floor(N (1 - discardFraction)). Global only: per group, the fit on the group's points
/// (neighbours still from all points). A point with r1 = 0 (a duplicate) has no ratio and is dropped.</summary>
public sealed class TwoNn : IDimensionEstimator
{
    public TwoNn(double discardFraction = 0.1)
    {
        if (!(discardFraction > 0 && discardFraction < 1)) throw new ArgumentException($"must be in (0, 1), got {discardFraction}", nameof(discardFraction));
        DiscardFraction = discardFraction;
    }

    /// <summary>Fraction of the largest ratios left out of the fit.</summary>
    public double DiscardFraction { get; }

    public string Name => "twonn";

    public int Neighbours => 2;

    public DimensionEstimate Estimate(NeighbourGraph graph)
    {
        if (graph.K < 2) throw new ArgumentException($"graph has {graph.K} neighbours per point, {Name} needs 2", nameof(graph));
        long n = graph.Count;
        var mu = new double[n];
        for (long i = 0; i < n; i++)
        {
            double r1 = graph.Distances[i * graph.K], r2 = graph.Distances[i * graph.K + 1];
            mu[i] = r1 == 0 ? double.NaN : r2 / r1;
        }
        var settings = new SortedDictionary<string, double> { ["discard_fraction"] = DiscardFraction };
        return PointAggregate.Build(Name, graph, mu, Fit, "one fit over the points' ratios r2/r1", null, settings);
    }

    /// <summary>The fitted slope; NaN when fewer than one ratio survives the discard or all kept ratios are 1.</summary>
    internal double Fit(List<double> ratios)
    {
        int total = ratios.Count;
        int kept = (int)Math.Floor(total * (1 - DiscardFraction));
        if (kept < 1) return double.NaN;
        double[] sorted = ratios.ToArray();
        Array.Sort(sorted);
        double xy = 0, xx = 0;
        for (int i = 0; i < kept; i++)
        {
            double x = Math.Log(sorted[i]), y = -Math.Log(1 - (i + 1.0) / total);
            xy += x * y;
            xx += x * x;
        }
        return xx > 0 ? xy / xx : double.NaN;
    }
}
