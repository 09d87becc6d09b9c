using System.Text.Json.Serialization;

namespace VAEase.Models;

/// <summary>How an MLP encoder's raw output becomes log sigma^2 &lt;= 0 (sigma^2 &lt;= 1, spec §1).</summary>
public enum VarianceBound
{
    /// <summary>The authors' min(raw, 0). Its gradient is 0 above 0, so a latent whose raw output is
    /// positive for every input is stuck at the prior for good (see docs/findings.md).</summary>
    [JsonStringEnumMemberName("clamp")]
    Clamp,

    /// <summary>-softplus(-raw): the same bound, smooth, with a gradient everywhere.</summary>
    [JsonStringEnumMemberName("softplus")]
    Softplus,
}
