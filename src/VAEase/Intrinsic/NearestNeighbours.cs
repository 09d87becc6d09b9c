using TorchSharp;
using VAEase.Models;
using static TorchSharp.torch;

namespace VAEase.Intrinsic;

/// <summary>Exact k-nearest neighbours by blocks of query rows. Candidates come from the expansion
/// |a|^2 + |b|^2 - 2 a.b in float32 on centred data (one GEMM per block), with a margin of extra
/// candidates; their distances are then recomputed exactly in float64 from the differences and
/// sorted, so the returned distances carry no cancellation error.</summary>
public static class NearestNeighbours
{
    /// <summary>For each row of x [n, d], its k nearest other rows: distances [n * k] (row-major,
    /// ascending) and their row indices [n * k]. A row is never its own neighbour, but an identical
    /// row is (at distance 0). rowsPerBlock overrides the block size derived from blockBytes.</summary>
    public static (double[] Distances, long[] Indices) Search(Tensor x, int k, long blockBytes = 256L << 20, int? rowsPerBlock = null)
    {
        if (x.dim() != 2) throw new VAEaseException($"k-NN needs a 2-D matrix, got shape [{string.Join(", ", x.shape)}]");
        long n = x.shape[0], d = x.shape[1];
        if (k < 1 || k >= n) throw new VAEaseException($"k-NN needs 1 <= k < n, got k={k} for n={n} points");
        // Margin of candidates beyond k: float32 can only swap neighbours whose distances agree to ~1e-6.
        int candidates = (int)Math.Min(n - 1, k + Math.Max(8, k / 4));
        long bytesPerRow = 4 * n + 24 * candidates * d;
        long block = rowsPerBlock ?? Math.Clamp(blockBytes / bytesPerRow, 1, n);

        var distances = new double[n * k];
        var indices = new long[n * k];
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        Tensor x32 = x.to_type(ScalarType.Float32);
        Tensor centred = x32 - x32.mean([0], keepdim: true);           // [n, d]: smaller norms, less cancellation
        Tensor squares = centred.square().sum(1);                       // [n]
        for (long start = 0; start < n; start += block)
        {
            using var blockScope = NewDisposeScope();
            long m = Math.Min(block, n - start);
            Tensor query = centred.narrow(0, start, m);                 // [m, d]
            Tensor sq = squares.narrow(0, start, m).unsqueeze(1) + squares.unsqueeze(0);
            Tensor d2 = addmm(sq, query, centred.t(), beta: 1, alpha: -2);      // [m, n]
            d2.narrow(1, start, m).diagonal().fill_(Scalars.Of(double.PositiveInfinity));
            Tensor candidate = d2.topk(candidates, dim: 1, largest: false, sorted: false).indexes; // [m, c]

            Tensor rows = x.narrow(0, start, m).to_type(ScalarType.Float64).unsqueeze(1);          // [m, 1, d]
            Tensor others = x.index_select(0, candidate.flatten()).to_type(ScalarType.Float64).view(m, candidates, d);
            Tensor exact = (others - rows).square().sum(2).sqrt();      // [m, c]
            var (sorted, order) = exact.sort(1);
            Tensor nearest = sorted.narrow(1, 0, k).contiguous();      // [m, k]
            Tensor nearestIndex = candidate.gather(1, order.narrow(1, 0, k)).contiguous();
            Array.Copy(nearest.data<double>().ToArray(), 0, distances, start * k, m * k);
            Array.Copy(nearestIndex.data<long>().ToArray(), 0, indices, start * k, m * k);
        }
        return (distances, indices);
    }
}
