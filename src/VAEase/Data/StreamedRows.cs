using static TorchSharp.torch;

namespace VAEase.Data;

/// <summary>The training blocks of a <see cref="MappedMatrix"/>, streamed through a shuffle buffer (docs/streaming.md).
/// Each epoch permutes the blocks (<see cref="StreamOrder.EpochBlocks"/>) and cuts that order into windows of
/// <see cref="StreamConfig.WindowBlocks"/> blocks; a window is read into the buffer, normalised, and its rows are
/// served in a seeded random order (<see cref="StreamOrder.WindowOrder"/>), batches running on into the next window.
/// Every training row comes once per epoch; the data in memory is one window plus the batch being assembled.</summary>
public sealed class StreamedRows : IBatchSource, IDisposable
{
    private readonly MappedMatrix matrix;
    private readonly long[] blocks;
    private readonly StreamConfig config;
    private readonly Normalization? normalization;
    private Tensor? buffer;

    /// <param name="matrix">The data (not owned).</param>
    /// <param name="blocks">The training blocks (see <see cref="StreamOrder.Split"/>).</param>
    /// <param name="config">Buffer and block sizes.</param>
    /// <param name="normalization">Applied to each window as it is read (not owned), or null.</param>
    public StreamedRows(MappedMatrix matrix, IReadOnlyList<long> blocks, StreamConfig config, Normalization? normalization)
    {
        this.matrix = matrix;
        this.blocks = [.. blocks];
        this.config = config.Validate();
        this.normalization = normalization;
        Count = this.blocks.Sum(b => Block(b).Count);
    }

    public long Count { get; }

    public int Dim => matrix.Dim;

    /// <summary>Rows the shuffle buffer holds: the window size, or fewer when the training rows are fewer.</summary>
    public long BufferRows => Math.Min((long)config.WindowBlocks * config.BlockRows, Count);

    public IEnumerable<Tensor> Epoch(long seed, int epoch, int batchSize, int startBatch)
    {
        long[] order = StreamOrder.EpochBlocks(blocks, seed, epoch);
        int perWindow = config.WindowBlocks;
        long[] windowRows = order.Chunk(perWindow).Select(w => w.Sum(b => Block(b).Count)).ToArray();
        long batches = Batching.PerEpoch(Count, batchSize);
        if (startBatch >= batches) yield break;

        // Skip the windows a resumed epoch has already served; the position is a pure function of startBatch.
        long skip = (long)startBatch * batchSize;
        int w = 0;
        while (windowRows[w] <= skip)
            skip -= windowRows[w++];
        Tensor perm = Load(order, w, seed, epoch);
        long pos = skip;
        try
        {
            for (long b = startBatch; b < batches; b++)
            {
                long need = Math.Min(batchSize, Count - b * batchSize);
                var pieces = new List<Tensor>();
                while (need > 0)
                {
                    if (pos == windowRows[w])
                    {
                        perm.Dispose();
                        perm = Load(order, ++w, seed, epoch);
                        pos = 0;
                    }
                    long take = Math.Min(need, windowRows[w] - pos);
                    using (Tensor rows = perm.slice(0, pos, pos + take, 1))
                        pieces.Add(buffer!.index_select(0, rows));
                    pos += take;
                    need -= take;
                }
                Tensor batch = pieces.Count == 1 ? pieces[0] : cat(pieces, 0);
                if (pieces.Count > 1) pieces.ForEach(p => p.Dispose());
                yield return batch;
            }
        }
        finally
        {
            perm.Dispose();
        }
    }

    /// <summary>Reads window <paramref name="w"/> of the epoch's block order into the buffer, normalised, and returns its row order.</summary>
    private Tensor Load(long[] order, int w, long seed, int epoch)
    {
        buffer ??= empty(BufferRows, Dim, dtype: ScalarType.Float32);
        long at = 0;
        foreach (long block in order.Skip(w * config.WindowBlocks).Take(config.WindowBlocks))
        {
            var (first, count) = Block(block);
            matrix.Read(first, count, buffer, at);
            at += count;
        }
        if (normalization is not null)
            using (Tensor filled = buffer.narrow(0, 0, at))
                normalization.Apply(filled);
        return StreamOrder.WindowOrder(seed, epoch, w, at);
    }

    /// <summary>Passes the rows of every given block, in the given order and not normalised, to <paramref name="use"/>,
    /// one block in memory at a time (the normalisation pass).</summary>
    public static void ForEachBlock(MappedMatrix matrix, IEnumerable<long> blocks, int blockRows, Action<Tensor> use)
    {
        using Tensor block = empty(Math.Min(blockRows, matrix.Rows), matrix.Dim, dtype: ScalarType.Float32);
        foreach (long b in blocks)
        {
            var (first, count) = StreamOrder.Block(b, matrix.Rows, blockRows);
            matrix.Read(first, count, block, 0);
            using Tensor rows = block.narrow(0, 0, count);
            use(rows);
        }
    }

    private (long First, long Count) Block(long block) => StreamOrder.Block(block, matrix.Rows, config.BlockRows);

    public void Dispose() => buffer?.Dispose();
}
