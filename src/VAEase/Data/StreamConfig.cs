namespace VAEase.Data;

/// <summary>How a run streams its training data from disk instead of loading it (docs/streaming.md).
/// Part of the RunConfig because it decides the batch order and the held-out split. Immutable.</summary>
public sealed record StreamConfig
{
    /// <summary>Rows held in the shuffle buffer: the window of blocks whose rows are shuffled together.
    /// With the batch, it bounds the data in memory: (shuffle buffer + batch) * d * 4 bytes.</summary>
    public int ShuffleBuffer { get; init; } = 65_536;

    /// <summary>Rows per block: the unit of reads, of the epoch's block shuffle and of the held-out split.</summary>
    public int BlockRows { get; init; } = 1024;

    /// <summary>At most this many held-out rows are evaluated (whole held-out blocks in file order, the last one cut).</summary>
    public int EvalRows { get; init; } = 65_536;

    /// <summary>Throws ArgumentException naming the first invalid field.</summary>
    public StreamConfig Validate()
    {
        if (BlockRows < 1) throw new ArgumentException($"must be >= 1, got {BlockRows}", nameof(BlockRows));
        if (ShuffleBuffer < BlockRows) throw new ArgumentException($"must be >= the block rows ({BlockRows}), got {ShuffleBuffer}", nameof(ShuffleBuffer));
        if (EvalRows < 2) throw new ArgumentException($"must be >= 2, got {EvalRows}", nameof(EvalRows));
        return this;
    }

    /// <summary>Blocks per shuffle window.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public int WindowBlocks => ShuffleBuffer / BlockRows;
}
