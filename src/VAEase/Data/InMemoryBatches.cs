using static TorchSharp.torch;

namespace VAEase.Data;

/// <summary>Batches of an in-memory data set: each epoch a seeded permutation of all rows.</summary>
public sealed class InMemoryBatches(Dataset data) : IBatchSource
{
    public long Count => data.Count;

    public int Dim => data.Dim;

    public IEnumerable<Tensor> Epoch(long seed, int epoch, int batchSize, int startBatch)
    {
        using Tensor order = Order(seed, epoch, data.Count);
        long batches = Batching.PerEpoch(data.Count, batchSize);
        for (long b = startBatch; b < batches; b++)
        {
            long start = b * batchSize, end = Math.Min(start + batchSize, data.Count);
            using Tensor rows = order.slice(0, start, end, 1);
            yield return data.X.index_select(0, rows);
        }
    }

    /// <summary>The epoch's sample order: a pure function of (seed, epoch).</summary>
    public static Tensor Order(long seed, int epoch, long count)
    {
        using var generator = new Generator((ulong)(seed * 1_000_003 + epoch));
        return randperm(count, generator: generator);
    }
}
