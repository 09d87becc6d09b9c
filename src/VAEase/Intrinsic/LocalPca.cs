using TorchSharp;
using VAEase.Models;
using static TorchSharp.torch;

namespace VAEase.Intrinsic;

/// <summary>Local PCA, Fukunaga–Olsen version (ID-ESTIMATION.md): the local dimension of a point is
/// the number of eigenvalues of the covariance of its k nearest neighbours (the point itself
/// excluded, centred at their mean) above <c>threshold</c> x the largest. Global and per-group
/// figures are means of the per-point integers.</summary>
public sealed class LocalPca : IDimensionEstimator
{
    public LocalPca(int k = 100, double threshold = 0.05)
    {
        if (k < 2) throw new ArgumentException($"must be >= 2, got {k}", nameof(k));
        if (!(threshold > 0 && threshold < 1)) throw new ArgumentException($"must be in (0, 1), got {threshold}", nameof(threshold));
        K = k;
        Threshold = threshold;
    }

    /// <summary>Neighbours per local PCA.</summary>
    public int K { get; }

    /// <summary>An eigenvalue counts when it exceeds this fraction of the largest.</summary>
    public double Threshold { get; }

    public string Name => "lpca";

    public int Neighbours => K;

    public DimensionEstimate Estimate(NeighbourGraph graph)
    {
        if (graph.K < K) throw new ArgumentException($"graph has {graph.K} neighbours per point, {Name} needs {K}", nameof(graph));
        long n = graph.Count, d = graph.Points.shape[1];
        long r = Math.Min(K, d);
        // The nonzero eigenvalues of C^T C [d, d] and C C^T [k, k] agree; take the smaller matrix.
        long bytesPerRow = 8 * (3 * K * d + 2 * r * r);
        long block = Math.Clamp(graph.BlockBytes / bytesPerRow, 1, n);
        var local = new double[n];

        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        Tensor neighbours = tensor(graph.Indices).view(n, graph.K).narrow(1, 0, K);  // [n, k]
        for (long start = 0; start < n; start += block)
        {
            using var blockScope = NewDisposeScope();
            long m = Math.Min(block, n - start);
            Tensor idx = neighbours.narrow(0, start, m).flatten();
            Tensor cloud = graph.Points.index_select(0, idx).to_type(ScalarType.Float64).view(m, K, d); // [m, k, d]
            Tensor centred = cloud - cloud.mean([1], keepdim: true);
            Tensor gram = K <= d ? bmm(centred, centred.transpose(1, 2)) : bmm(centred.transpose(1, 2), centred); // [m, r, r]
            Tensor eigen = linalg.eigvalsh(gram);                      // [m, r], ascending
            Tensor largest = eigen.narrow(1, r - 1, 1);                // [m, 1]
            Tensor count = eigen.gt(largest.mul(Scalars.Of(Threshold))).sum(1).to_type(ScalarType.Float64);
            count.data<double>().ToArray().CopyTo(local, start);
        }

        var settings = new SortedDictionary<string, double> { ["k"] = K, ["threshold"] = Threshold };
        return PointAggregate.Build(Name, graph, local, PointAggregate.Mean, "mean of per-point counts", local, settings);
    }
}
