using static TorchSharp.torch;

namespace VAEase.Data;

/// <summary>Mean row and total squared deviation of rows added block by block, in float64, merged with Chan et al.'s
/// pairwise update (no cancellation when the mean is large against the spread). Memory: one block in float64.</summary>
public sealed class RowMoments(int dim)
{
    /// <summary>Rows per block when a whole in-memory matrix is measured: 4096 x d float64 (16 MB at d = 512).</summary>
    private const int ChunkRows = 4096;

    public double[] Mean { get; } = new double[dim];

    /// <summary>Sum over rows of ||x - mean||^2.</summary>
    public double SquaredDeviations { get; private set; }

    public long Rows { get; private set; }

    /// <summary>Adds the rows [m, d].</summary>
    public void Add(Tensor rows)
    {
        long m = rows.shape[0];
        if (m == 0) return;
        double[] blockMean;
        double blockSquares;
        using (var scope = NewDisposeScope())
        {
            Tensor x = rows.to_type(ScalarType.Float64, copy: true);
            Tensor mu = x.mean([0]);
            blockMean = mu.data<double>().ToArray();
            blockSquares = x.sub_(mu).mul_(x).sum().item<double>(); // squared in place
        }
        long n = Rows + m;
        double between = 0;
        for (int j = 0; j < dim; j++)
        {
            double delta = blockMean[j] - Mean[j];
            between += delta * delta;
            Mean[j] += delta * m / n;
        }
        SquaredDeviations += blockSquares + between * Rows * m / n;
        Rows = n;
    }

    /// <summary>The moments of an in-memory matrix [n, d], a block at a time.</summary>
    public static RowMoments Of(Tensor x)
    {
        var moments = new RowMoments((int)x.shape[1]);
        ForEachChunk(x, moments.Add);
        return moments;
    }

    /// <summary>Passes the rows of <paramref name="x"/> [n, d] to <paramref name="use"/> in blocks of 4096.</summary>
    public static void ForEachChunk(Tensor x, Action<Tensor> use)
    {
        for (long start = 0; start < x.shape[0]; start += ChunkRows)
        {
            using Tensor chunk = x.slice(0, start, Math.Min(start + ChunkRows, x.shape[0]), 1);
            use(chunk);
        }
    }
}
