using System.Text.Json.Serialization;

namespace VAEase.Export;

/// <summary>File formats `vaease encode` writes.</summary>
public enum CodeFormat
{
    /// <summary>Dense float32 codes [n, kappa] in NAME.npy and the int32 active dims [n] in NAME.active.npy.</summary>
    [JsonStringEnumMemberName("npy")]
    Npy,

    /// <summary>One .safetensors file: dense `codes` or COO `indices`/`values`/`shape`, with `active_dims`.</summary>
    [JsonStringEnumMemberName("safetensors")]
    SafeTensors,
}
