namespace VAEase.Intrinsic;

/// <summary>A classical intrinsic-dimension estimator working from exact nearest neighbours
/// (<see cref="DimensionEstimation"/> runs any list of them on one shared neighbour graph).</summary>
public interface IDimensionEstimator
{
    /// <summary>The method's name as listed on the command line: lpca, mle, twonn.</summary>
    string Name { get; }

    /// <summary>Nearest neighbours per point the method reads.</summary>
    int Neighbours { get; }

    /// <summary>Estimates from a graph with at least <see cref="Neighbours"/> neighbours per point.</summary>
    DimensionEstimate Estimate(NeighbourGraph graph);
}
