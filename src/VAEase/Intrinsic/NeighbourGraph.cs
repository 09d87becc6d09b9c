using TorchSharp;
using VAEase.Data;
using static TorchSharp.torch;

namespace VAEase.Intrinsic;

/// <summary>The points an estimator runs on (all rows of a data set, or a seeded subset) with
/// their exact k nearest neighbours. Built once and shared when several methods run on the same data.</summary>
public sealed class NeighbourGraph : IDisposable
{
    private readonly bool _ownsPoints;

    private NeighbourGraph(Tensor points, bool ownsPoints, long[]? labels, long[]? rows, int k, double[] distances, long[] indices, long blockBytes)
    {
        BlockBytes = blockBytes;
        Points = points;
        _ownsPoints = ownsPoints;
        Labels = labels;
        Rows = rows;
        K = k;
        Distances = distances;
        Indices = indices;
    }

    /// <summary>The points, [n, d] (the data set's own tensor when not subsampled).</summary>
    public Tensor Points { get; }

    /// <summary>Group label per point, or null.</summary>
    public long[]? Labels { get; }

    /// <summary>The data rows the points are (ascending) when subsampled; null when every row is used in order.</summary>
    public long[]? Rows { get; }

    /// <summary>Neighbours per point.</summary>
    public int K { get; }

    /// <summary>Distance to the j-th nearest neighbour (j = 0..K-1) of point i at [i * K + j], ascending in j.</summary>
    public double[] Distances { get; }

    /// <summary>Point index of that neighbour, same layout as <see cref="Distances"/>.</summary>
    public long[] Indices { get; }

    /// <summary>Working memory of one block for methods that process the points by blocks (lPCA), in bytes.</summary>
    public long BlockBytes { get; }

    public long Count => Points.shape[0];

    /// <summary>Selects the points (checking the size limit), then searches k neighbours of each.</summary>
    public static NeighbourGraph Build(Dataset data, int k, NeighbourSearchConfig search)
    {
        ArgumentNullException.ThrowIfNull(data);
        search.Validate();
        long n = data.Count;
        long used = Math.Min(n, search.Subsample ?? n);
        if (used > search.MaxPoints)
            throw new VAEaseException($"{data.Name}: {n} points exceed the exact k-NN limit of {search.MaxPoints} (all n^2 distances are computed); subsample to at most {search.MaxPoints} points");
        if (used <= k)
            throw new VAEaseException($"{data.Name}: {used} points are too few for {k} nearest neighbours per point");

        Tensor points = data.X;
        long[]? labels = data.Labels, rows = null;
        if (used < n)
        {
            using var scope = NewDisposeScope();
            using var generator = new Generator((ulong)search.Seed);
            Tensor chosen = randperm(n, generator: generator).narrow(0, 0, used).sort().Values;
            rows = chosen.data<long>().ToArray();
            points = data.X.index_select(0, chosen).MoveToOuterDisposeScope();
            labels = data.Labels is null ? null : Array.ConvertAll(rows, r => data.Labels[r]);
        }
        var (distances, indices) = NearestNeighbours.Search(points, k, search.BlockBytes);
        return new NeighbourGraph(points, ownsPoints: rows is not null, labels, rows, k, distances, indices, search.BlockBytes);
    }

    public void Dispose()
    {
        if (_ownsPoints) Points.Dispose();
    }
}
