using System.Text.Json.Serialization;

namespace VAEase.Models;

/// <summary>The five models of the paper (Section 5).</summary>
public enum ModelKind
{
    /// <summary>VAE whose decoder receives (1 - sigma) ⊙ z (paper eq. 4).</summary>
    [JsonStringEnumMemberName("vaease")]
    VAEase,

    /// <summary>Vanilla VAE with a learned decoder variance gamma.</summary>
    [JsonStringEnumMemberName("vae")]
    Vae,

    /// <summary>ReLU SAE with an l1 penalty on the code.</summary>
    [JsonStringEnumMemberName("sae-l1")]
    SaeL1,

    /// <summary>ReLU SAE with a log(|z| + eps) penalty (Candes et al., 2008).</summary>
    [JsonStringEnumMemberName("sae-log")]
    SaeLog,

    /// <summary>ReLU SAE keeping the k largest entries of each code.</summary>
    [JsonStringEnumMemberName("sae-topk")]
    SaeTopK,
}
