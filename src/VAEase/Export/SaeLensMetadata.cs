namespace VAEase.Export;

/// <summary>The `metadata` block of a SAELens 6 cfg.json (sae_lens.saes.sae.SAEMetadata).</summary>
public sealed record SaeLensMetadata
{
    /// <summary>The transformer the activations came from.</summary>
    public string? ModelName { get; init; }

    /// <summary>TransformerLens hook point the SAE reads and writes.</summary>
    public string? HookName { get; init; }

    /// <summary>Where the training activations came from.</summary>
    public string? DatasetPath { get; init; }

    /// <summary>Tokens per context of the training activations (unknown here).</summary>
    public int? ContextSize { get; init; }

    /// <summary>The cfg.json layout version: SAELens reads a config older than 6.0.0 (or without this field) with
    /// its pre-6 converter, which needs keys this layout does not have, so it must be >= 6.0.0.</summary>
    public string SaeLensVersion { get; init; } = SaeLensExport.LayoutVersion;

    /// <summary>The SAELens version that trained the SAE: none.</summary>
    public string? SaeLensTrainingVersion { get; init; }
}
