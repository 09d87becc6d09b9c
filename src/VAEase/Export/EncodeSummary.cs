namespace VAEase.Export;

/// <summary>What `vaease encode` wrote. Serialised as its `--json` output.</summary>
public sealed record EncodeSummary
{
    /// <summary>Number of rows encoded, n.</summary>
    public long Samples { get; init; }

    /// <summary>Latent dimension kappa.</summary>
    public int Latent { get; init; }

    /// <summary>Mean over rows of the per-sample active dims (variance-split rule, as `vaease eval` counts them).</summary>
    public double MeanActiveDims { get; init; }

    /// <summary>"npy" or "safetensors".</summary>
    public string Format { get; init; } = "";

    /// <summary>"dense" or "coo".</summary>
    public string Layout { get; init; } = "";

    /// <summary>Code entries stored: n * kappa when dense, the COO entry count when sparse.</summary>
    public long StoredEntries { get; init; }

    /// <summary>COO only: which entries are stored (see <see cref="CodeExport.SparseEntries"/>).</summary>
    public string? SparseEntries { get; init; }

    /// <summary>How the active dims were counted.</summary>
    public string ActiveDimsRule { get; init; } = "";

    /// <summary>The files written.</summary>
    public IReadOnlyList<string> Outputs { get; init; } = [];
}
