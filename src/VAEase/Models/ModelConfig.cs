using VAEase.Networks;

namespace VAEase.Models;

/// <summary>Everything that defines a model's architecture and loss. Immutable: derive with `with`.</summary>
public sealed record ModelConfig
{
    /// <summary>Which model (VAEase, VAE, or an SAE variant).</summary>
    public ModelKind Kind { get; init; } = ModelKind.VAEase;

    /// <summary>Input dimension d.</summary>
    public int InputDim { get; init; }

    /// <summary>Latent dimension kappa.</summary>
    public int Latent { get; init; } = 20;

    /// <summary>Encoder architecture.</summary>
    public EncoderKind Encoder { get; init; } = EncoderKind.SwishMlp;

    /// <summary>Decoder architecture.</summary>
    public DecoderKind Decoder { get; init; } = DecoderKind.Linear;

    /// <summary>VAE family: initial log(gamma) of the learned decoder variance (spec §1; -0.5 for synthetic linear).
    /// Used only with <see cref="GammaMode.Learned"/>.</summary>
    public double LogGammaInit { get; init; } = -0.5;

    /// <summary>VAE family: gamma learned from <see cref="LogGammaInit"/> (the authors) or anchored to the data (no initial
    /// value; see <see cref="GammaMode.Anchored"/>). Configs written before the anchored gamma existed read as learned.</summary>
    public GammaMode Gamma { get; init; } = GammaMode.Learned;

    /// <summary>VAE family, MLP encoders: how log sigma^2 is kept &lt;= 0 (see <see cref="Models.VarianceBound"/>).</summary>
    public VarianceBound VarianceBound { get; init; } = VarianceBound.Softplus;

    /// <summary>SAE-l1 / SAE-log: weight lambda1 of the sparsity penalty.</summary>
    public double L1 { get; init; } = 1e-3;

    /// <summary>SAE-l1 / SAE-log: weight lambda2 of the squared norm of the decoder's weights and biases.</summary>
    public double L2 { get; init; } = 1e-4;

    /// <summary>SAE-log: eps in log(|z| + eps).</summary>
    public double LogEps { get; init; } = 1e-4;

    /// <summary>SAE-TopK: number of entries kept per code.</summary>
    public int TopK { get; init; } = 4;

    public bool IsVariational => Kind is ModelKind.VAEase or ModelKind.Vae;

    /// <summary>Throws ArgumentException naming the first invalid field.</summary>
    public ModelConfig Validate()
    {
        // Bounded above too: the networks' widths (up to 8 kappa) must stay ints, and ModelSize estimates the memory below that.
        if (InputDim is < 1 or > ModelSize.MaxDimension) throw new ArgumentException($"must be in [1, {ModelSize.MaxDimension}], got {InputDim}", nameof(InputDim));
        if (Latent is < 1 or > ModelSize.MaxDimension) throw new ArgumentException($"must be in [1, {ModelSize.MaxDimension}], got {Latent}", nameof(Latent));
        if (!Enum.IsDefined(Kind)) throw new ArgumentException($"unknown model kind {Kind}", nameof(Kind));
        if (!Enum.IsDefined(Encoder)) throw new ArgumentException($"unknown encoder {Encoder}", nameof(Encoder));
        if (!Enum.IsDefined(Decoder)) throw new ArgumentException($"unknown decoder {Decoder}", nameof(Decoder));
        if (!Enum.IsDefined(Gamma)) throw new ArgumentException($"unknown gamma mode {Gamma}", nameof(Gamma));
        if (!Enum.IsDefined(VarianceBound)) throw new ArgumentException($"unknown variance bound {VarianceBound}", nameof(VarianceBound));
        if (!double.IsFinite(LogGammaInit)) throw new ArgumentException("must be finite", nameof(LogGammaInit));
        if (L1 < 0 || !double.IsFinite(L1)) throw new ArgumentException($"must be finite and >= 0, got {L1}", nameof(L1));
        if (L2 < 0 || !double.IsFinite(L2)) throw new ArgumentException($"must be finite and >= 0, got {L2}", nameof(L2));
        if (LogEps <= 0 || !double.IsFinite(LogEps)) throw new ArgumentException($"must be finite and > 0, got {LogEps}", nameof(LogEps));
        if ((Encoder == EncoderKind.ResidualConv || Decoder == DecoderKind.ResidualConv) && ImageShape.Side(InputDim) is null)
            throw new ArgumentException($"the residual-conv networks need a square single-channel image with a side divisible by 4 (e.g. 28 x 28 = 784), got d = {InputDim}", nameof(InputDim));
        if (Kind == ModelKind.SaeTopK && (TopK < 1 || TopK > Latent))
            throw new ArgumentException($"must be in [1, latent = {Latent}], got {TopK}", nameof(TopK));
        return this;
    }
}
