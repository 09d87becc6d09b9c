using System.Text.Json.Serialization;

namespace VAEase.Evaluation;

/// <summary>How a sample's active latent dimensions are decided (spec §4, Table 5).</summary>
public enum ActiveRule
{
    /// <summary>The variance-split rule on the sample's activities (log sigma^2 for the VAE family; log |z| over
    /// the nonzero entries for SAEs, exact zeros inactive).</summary>
    [JsonStringEnumMemberName("variance-split")]
    VarianceSplit,

    /// <summary>VAE family only: sigma below a fixed level (the authors' Table 5 rule, sigma &lt; 0.05).</summary>
    [JsonStringEnumMemberName("fixed-sigma")]
    FixedSigma,

    /// <summary>SAEs only: every nonzero entry of z (the SAE counterpart of the fixed rule; sigma is undefined).</summary>
    [JsonStringEnumMemberName("nonzero")]
    Nonzero,
}
