using VAEase.Data;

namespace VAEase.Intrinsic;

/// <summary>Runs classical intrinsic-dimension estimators by name on a data set, searching the
/// nearest neighbours once for all of them.</summary>
public static class DimensionEstimation
{
    /// <summary>The method names <see cref="Create"/> knows, in CLI order.</summary>
    public static readonly IReadOnlyList<string> Methods = ["lpca", "mle", "twonn"];

    /// <summary>The estimator of a method name with its default settings.</summary>
    public static IDimensionEstimator Create(string name) => name.Trim().ToLowerInvariant() switch
    {
        "lpca" => new LocalPca(),
        "mle" => new LevinaBickelMle(),
        "twonn" => new TwoNn(),
        _ => throw new VAEaseException($"unknown ID method '{name.Trim()}' (expected one of: {string.Join(", ", Methods)})"),
    };

    /// <summary>The estimators of a comma-separated list such as "lpca,mle,twonn".</summary>
    public static IReadOnlyList<IDimensionEstimator> Parse(string methods)
    {
        string[] names = methods.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (names.Length == 0) throw new VAEaseException($"no ID method given (expected a comma-separated list of: {string.Join(", ", Methods)})");
        return names.Select(Create).ToList();
    }

    /// <summary>Estimates with each method in turn from one neighbour graph (k = the largest any method needs).</summary>
    public static IReadOnlyList<DimensionEstimate> Run(Dataset data, IReadOnlyList<IDimensionEstimator> estimators, NeighbourSearchConfig? search = null)
    {
        if (estimators.Count == 0) throw new ArgumentException("needs at least one estimator", nameof(estimators));
        using var graph = NeighbourGraph.Build(data, estimators.Max(e => e.Neighbours), search ?? new NeighbourSearchConfig());
        return estimators.Select(e => e.Estimate(graph)).ToList();
    }

    /// <summary>Estimates with one method.</summary>
    public static DimensionEstimate Run(Dataset data, IDimensionEstimator estimator, NeighbourSearchConfig? search = null) =>
        Run(data, [estimator], search)[0];
}
