using System.Text.Json.Serialization;

namespace VAEase.Models;

/// <summary>How the VAE family's decoder variance gamma is set (spec §1: one scalar, log gamma).</summary>
public enum GammaMode
{
    /// <summary>The authors' way: log gamma is a parameter, started at <see cref="ModelConfig.LogGammaInit"/> and
    /// trained by the optimiser. The trained count then depends on that start (docs/findings.md §10).</summary>
    [JsonStringEnumMemberName("learned")]
    Learned,

    /// <summary>Learned, but anchored to the data: it starts at e^-2 times the data's mean per-coordinate variance (the
    /// gamma of a model that explains everything as noise), whatever <see cref="ModelConfig.LogGammaInit"/> says, and is
    /// never let fall below e^-2 times its closed-form optimum SSE / d for the batch (the mean per-sample squared error
    /// over the d input dims): where it would, it is raised to that floor. A gamma far below the error makes the objective a
    /// near-deterministic autoencoder that opens every latent, and the redundant ones then close only slowly; a gamma at
    /// the all-noise level leaves every latent at the prior; so the initial gamma decided the count (docs/findings.md
    /// §10). At a fixed point gamma = SSE / d, so the floor is inactive there and the objective's answer is unchanged.</summary>
    [JsonStringEnumMemberName("anchored")]
    Anchored,
}
