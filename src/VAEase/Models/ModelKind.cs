using System.Text.Json.Serialization;

namespace VAEase.Models;

/// <summary>The five models of the paper (Section 5), and two later SAEs as further baselines.</summary>
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

    /// <summary>ReLU SAE keeping the k·B largest entries of a batch of B codes while training and the entries above one
    /// running threshold at inference (Bussmann et al., 2024).</summary>
    [JsonStringEnumMemberName("sae-batchtopk")]
    SaeBatchTopK,

    /// <summary>SAE with a JumpReLU of learned per-latent thresholds and an L0 penalty, trained through straight-through
    /// estimators (Rajamanoharan et al., 2024).</summary>
    [JsonStringEnumMemberName("sae-jumprelu")]
    SaeJumpRelu,
}
