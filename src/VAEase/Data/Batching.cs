namespace VAEase.Data;

/// <summary>How an epoch is cut into batches, shared by every <see cref="IBatchSource"/>.</summary>
public static class Batching
{
    /// <summary>Batches per epoch; the last partial batch is kept unless it has a single sample
    /// (batch norm cannot train on one).</summary>
    public static int PerEpoch(long count, int batchSize)
    {
        long full = count / batchSize, rest = count % batchSize;
        return checked((int)(full + (rest >= 2 ? 1 : 0)));
    }
}
