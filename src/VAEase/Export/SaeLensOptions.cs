namespace VAEase.Export;

/// <summary>What SAELens's metadata block records about where an SAE's activations came from. All optional:
/// a VAEase run knows its data spec, not the transformer hook that produced the activations.</summary>
public sealed record SaeLensOptions
{
    /// <summary>TransformerLens hook point the SAE reads, e.g. `blocks.8.hook_resid_pre` (metadata.hook_name).</summary>
    public string? HookName { get; init; }

    /// <summary>The transformer the activations came from, e.g. `gpt2-small` (metadata.model_name).</summary>
    public string? ModelName { get; init; }

    /// <summary>Where the training activations came from (metadata.dataset_path); the run's data spec by default.</summary>
    public string? DatasetPath { get; init; }
}
