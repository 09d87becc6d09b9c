using System.Text.Json.Serialization;

namespace VAEase.Networks;

/// <summary>The number format of the linear layers' matrix products during training (docs/performance.md, "bf16").</summary>
public enum MatmulPrecision
{
    /// <summary>float32 throughout, as the paper's code.</summary>
    [JsonStringEnumMemberName("fp32")]
    Float32,

    /// <summary>Mixed precision, as PyTorch's autocast: each linear layer multiplies bfloat16 copies of its input and
    /// weight (float32 accumulation inside the GEMM, the product rounded to bfloat16) and adds its bias in float32;
    /// weights, gradients' accumulation, the optimiser and every other op stay float32, and evaluation runs in
    /// float32. About twice the GEMM rate on CPUs with AVX512-BF16 or AMX; every product carries a relative
    /// rounding of ~2^-8, so it suits data whose reconstruction error stays well above that (not, e.g., the
    /// noiseless linear unions, whose error falls to 1e-5).</summary>
    [JsonStringEnumMemberName("bf16")]
    BFloat16,
}
