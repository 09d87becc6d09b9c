namespace VAEase.Intrinsic;

/// <summary>Maximum-likelihood estimator of Levina and Bickel (ID-ESTIMATION.md), per point
/// m_k(x) = [ (1/(k-1)) sum_{j &lt; k} log(T_k(x) / T_j(x)) ]^-1 with T_j the distance to the j-th
/// neighbour; global and per-group figures follow MacKay and Ghahramani: the inverse of the mean of
/// the per-point inverses. A point with T_1 = 0 (a duplicate) has no estimate and is dropped.</summary>
public sealed class LevinaBickelMle : IDimensionEstimator
{
    public LevinaBickelMle(int k = 20)
    {
        if (k < 2) throw new ArgumentException($"must be >= 2, got {k}", nameof(k));
        K = k;
    }

    /// <summary>Neighbours per point (T_1 .. T_k).</summary>
    public int K { get; }

    public string Name => "mle";

    public int Neighbours => K;

    public DimensionEstimate Estimate(NeighbourGraph graph)
    {
        if (graph.K < K) throw new ArgumentException($"graph has {graph.K} neighbours per point, {Name} needs {K}", nameof(graph));
        long n = graph.Count;
        var inverse = new double[n];                                   // 1 / m_k(x); NaN when dropped
        for (long i = 0; i < n; i++)
        {
            long row = i * graph.K;
            if (graph.Distances[row] == 0) { inverse[i] = double.NaN; continue; }
            double logTk = Math.Log(graph.Distances[row + K - 1]), sum = 0;
            for (int j = 0; j < K - 1; j++) sum += logTk - Math.Log(graph.Distances[row + j]);
            inverse[i] = sum / (K - 1);
        }
        double[] perPoint = Array.ConvertAll(inverse, v => 1 / v);
        var settings = new SortedDictionary<string, double> { ["k"] = K };
        return PointAggregate.Build(Name, graph, inverse, InverseOfMean, "MacKay-Ghahramani: 1 / mean of per-point 1/m_k", perPoint, settings);
    }

    private static double InverseOfMean(List<double> inverses) => 1 / PointAggregate.Mean(inverses);
}
