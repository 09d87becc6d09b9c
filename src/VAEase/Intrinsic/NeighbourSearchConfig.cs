namespace VAEase.Intrinsic;

/// <summary>Bounds of the exact k-nearest-neighbour search the classical estimators share: the
/// search computes all n^2 distances, so large sets must be subsampled. Immutable: derive with `with`.</summary>
public sealed record NeighbourSearchConfig
{
    /// <summary>Most points the exact search accepts; a larger set throws unless <see cref="Subsample"/> brings it under.</summary>
    public long MaxPoints { get; init; } = 100_000;

    /// <summary>Run on a seeded random subset of at most this many rows (kept in data order); null: every row.</summary>
    public long? Subsample { get; init; }

    /// <summary>Seeds the subset drawn by <see cref="Subsample"/>.</summary>
    public long Seed { get; init; }

    /// <summary>Working memory of one block of query rows (distances to all points plus gathered neighbours), in bytes.</summary>
    public long BlockBytes { get; init; } = 256L << 20;

    /// <summary>Throws ArgumentException naming the first invalid field.</summary>
    public NeighbourSearchConfig Validate()
    {
        if (MaxPoints < 2) throw new ArgumentException($"must be >= 2, got {MaxPoints}", nameof(MaxPoints));
        if (Subsample is < 2) throw new ArgumentException($"must be >= 2, got {Subsample}", nameof(Subsample));
        if (Subsample > MaxPoints) throw new ArgumentException($"must be <= MaxPoints ({MaxPoints}), got {Subsample}", nameof(Subsample));
        if (BlockBytes < 1) throw new ArgumentException($"must be >= 1, got {BlockBytes}", nameof(BlockBytes));
        return this;
    }
}
