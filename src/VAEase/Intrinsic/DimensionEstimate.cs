namespace VAEase.Intrinsic;

/// <summary>One method's intrinsic-dimension estimate of a data set: a global figure, the same figure
/// per label group, and the per-point local estimates where the method has them.</summary>
public sealed record DimensionEstimate
{
    /// <summary>The method (lpca, mle, twonn).</summary>
    public required string Method { get; init; }

    /// <summary>The global estimate, aggregated the method's own way over every kept point.</summary>
    public required double Dimension { get; init; }

    /// <summary>How <see cref="Dimension"/> and <see cref="PerGroup"/> aggregate the points.</summary>
    public required string Aggregation { get; init; }

    /// <summary>Points the method ran on (after any subsampling).</summary>
    public required long Points { get; init; }

    /// <summary>Points left out because a zero neighbour distance (a duplicate point) leaves their statistic undefined.</summary>
    public long Dropped { get; init; }

    /// <summary>The global estimate restricted to each label's points (neighbours still searched among all points); null without labels.</summary>
    public SortedDictionary<long, double>? PerGroup { get; init; }

    /// <summary>Kept points per label; null without labels.</summary>
    public SortedDictionary<long, long>? GroupCounts { get; init; }

    /// <summary>Local estimate per point (NaN where dropped); null for a method with no per-point estimate (TwoNN).</summary>
    public double[]? PerPoint { get; init; }

    /// <summary>The data row of each point when the method ran on a subsample; null when every row was used in order.</summary>
    public long[]? Rows { get; init; }

    /// <summary>The method's settings (neighbours, thresholds) by name.</summary>
    public required SortedDictionary<string, double> Settings { get; init; }
}
