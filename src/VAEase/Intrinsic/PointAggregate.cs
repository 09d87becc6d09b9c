namespace VAEase.Intrinsic;

/// <summary>Turns one statistic per point (NaN where the point was dropped) into a <see cref="DimensionEstimate"/>:
/// the method's aggregate over all kept points and over each label's kept points.</summary>
internal static class PointAggregate
{
    public static DimensionEstimate Build(string method, NeighbourGraph graph, double[] statistic, Func<List<double>, double> aggregate,
                                          string aggregation, double[]? perPoint, SortedDictionary<string, double> settings) =>
        Build(method, graph.Labels, graph.Count, graph.Rows, statistic, aggregate, aggregation, perPoint, settings);

    /// <summary>The same for points given by their labels (null: none) and data rows (null: every row, in order).</summary>
    public static DimensionEstimate Build(string method, long[]? pointLabels, long count, long[]? rows, double[] statistic, Func<List<double>, double> aggregate,
                                          string aggregation, double[]? perPoint, SortedDictionary<string, double> settings)
    {
        var kept = statistic.Where(v => !double.IsNaN(v)).ToList();
        SortedDictionary<long, double>? perGroup = null;
        SortedDictionary<long, long>? counts = null;
        if (pointLabels is long[] labels)
        {
            var groups = new SortedDictionary<long, List<double>>();
            for (int i = 0; i < labels.Length; i++)
            {
                if (!groups.TryGetValue(labels[i], out var values)) groups[labels[i]] = values = [];
                if (!double.IsNaN(statistic[i])) values.Add(statistic[i]);
            }
            perGroup = new(groups.ToDictionary(g => g.Key, g => aggregate(g.Value)));
            counts = new(groups.ToDictionary(g => g.Key, g => (long)g.Value.Count));
        }
        return new DimensionEstimate
        {
            Method = method,
            Dimension = aggregate(kept),
            Aggregation = aggregation,
            Points = count,
            Dropped = statistic.Length - kept.Count,
            PerGroup = perGroup,
            GroupCounts = counts,
            PerPoint = perPoint,
            Rows = rows,
            Settings = settings,
        };
    }

    /// <summary>The plain mean; NaN for no values.</summary>
    public static double Mean(List<double> values) => values.Count == 0 ? double.NaN : values.Average();
}
