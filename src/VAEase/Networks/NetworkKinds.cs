using System.Text.Json.Serialization;

namespace VAEase.Networks;

/// <summary>Encoder architectures (spec §2). The encoder maps x [n, d] to the model's raw
/// outputs; the model decides how they become a code (mu and log-variance, or ReLU).</summary>
public enum EncoderKind
{
    /// <summary>One Linear layer.</summary>
    [JsonStringEnumMemberName("linear")]
    Linear,

    /// <summary>4 Linear layers with Swish between, hidden 2*kappa (synthetic linear recipe).</summary>
    [JsonStringEnumMemberName("swish-mlp")]
    SwishMlp,

    /// <summary>Linear+BN+Swish, 3 residual blocks of width 2*kappa with an 8*kappa bottleneck, Linear.</summary>
    [JsonStringEnumMemberName("residual-mlp")]
    ResidualMlp,

    /// <summary>h = Swish(W x + b) with 2*kappa outputs; mu = h[:kappa], sigma^2 = sigmoid(Linear(h[kappa:]))
    /// (activations / embeddings recipe). SAEs use a single Linear (+ ReLU) here.</summary>
    [JsonStringEnumMemberName("one-layer")]
    OneLayer,

    /// <summary>Residual conv net for square single-channel images (d = side^2): conv stem, two residual
    /// down-blocks, spatial mean, MLP head (images recipe).</summary>
    [JsonStringEnumMemberName("residual-conv")]
    ResidualConv,
}

/// <summary>Decoder architectures (spec §2).</summary>
public enum DecoderKind
{
    /// <summary>One Linear layer (kappa -> d): W_dec, b_dec.</summary>
    [JsonStringEnumMemberName("linear")]
    Linear,

    /// <summary>The paper's text: a 2-layer MLP with LeakyReLU 0.2, hidden 2*kappa.</summary>
    [JsonStringEnumMemberName("mlp")]
    Mlp,

    /// <summary>The authors' code: Linear(kappa, 2kappa)+Swish, 3 residual blocks, Linear(2kappa, d).</summary>
    [JsonStringEnumMemberName("residual-mlp")]
    ResidualMlp,

    /// <summary>Residual conv net: Linear to 16 x (side/4)^2, two residual up-blocks, output conv, sigmoid (images recipe).</summary>
    [JsonStringEnumMemberName("residual-conv")]
    ResidualConv,
}
