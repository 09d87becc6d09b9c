using System.Text.Json.Serialization;

namespace VAEase.Export;

/// <summary>cfg.json as SAELens 6 writes it (`SAE.save_model`) and `SAE.load_from_disk` reads it: the fields of
/// `StandardSAEConfig` / `TopKSAEConfig` / `JumpReLUSAEConfig` at the top level, the `metadata` block, and
/// `architecture`. The loader keeps the fields of the architecture's config class and drops the rest; d_in and d_sae
/// have no default there, so they must be present.</summary>
public sealed record SaeLensConfig
{
    /// <summary>"standard" (ReLU), "topk" or "jumprelu" (ReLU gated by a per-latent threshold).</summary>
    public string Architecture { get; init; } = "standard";

    /// <summary>Input dimension d.</summary>
    [JsonPropertyName("d_in")]
    public int DIn { get; init; }

    /// <summary>Number of SAE features, our kappa.</summary>
    [JsonPropertyName("d_sae")]
    public int DSae { get; init; }

    /// <summary>TopK only: features kept per sample.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? K { get; init; }

    /// <summary>TopK only: false, our TopK ranks the pre-activations as they are. SAELens's inference config defaults to
    /// false too, but its training config to true, so it is written out.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? RescaleActsByDecoderNorm { get; init; }

    /// <summary>Weight dtype.</summary>
    public string Dtype { get; init; } = "float32";

    /// <summary>Device SAELens loads onto unless told otherwise.</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>False: our encoder sees x itself, not x - b_dec.</summary>
    [JsonPropertyName("apply_b_dec_to_input")]
    public bool ApplyBDecToInput { get; init; }

    /// <summary>"none": our models see the data as given.</summary>
    public string NormalizeActivations { get; init; } = "none";

    /// <summary>"none": inputs are flat [.., d_in].</summary>
    public string ReshapeActivations { get; init; } = "none";

    /// <summary>Where the activations came from.</summary>
    public SaeLensMetadata Metadata { get; init; } = new();

    /// <summary>Provenance for people; SAELens keeps only its dataclass fields and ignores this.</summary>
    public SaeLensProvenance? Vaease { get; init; }
}
