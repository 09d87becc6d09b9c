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

    /// <summary>SAE-TopK: number of entries kept per code; SAE-BatchTopK: the mean number kept per code of a training batch.</summary>
    public int TopK { get; init; } = 4;

    /// <summary>SAE-JumpReLU: weight lambda of the L0 penalty (latents above their thresholds, per sample). Its scale is that
    /// of the squared error, so no value carries over from the JumpReLU paper; L0 falls as it grows (demo-linear, 150
    /// epochs: 17.4 nonzeros per sample at 0.01, 8.4 at 0.1, 5.3 at 1).</summary>
    public double L0 { get; init; } = 0.1;

    /// <summary>SAE-JumpReLU: bandwidth eps of the rectangle kernel in the thresholds' straight-through gradients. The
    /// JumpReLU paper's 0.001 was set for the scale of its LM activations; on the synthetic unions, whose pre-activations
    /// are of order 1, so narrow a window rarely holds an entry and the thresholds barely moved (L0 8.7-9.1 for lambda from 0.01
    /// to 1, one Linear encoder, 150 epochs), while 0.05 (from thresholds 0.01) let L0 fall from 9.0 to 3.4 over the same lambdas.</summary>
    public double JumpBandwidth { get; init; } = 0.05;

    /// <summary>SAE-JumpReLU: every threshold's initial value. The paper's 0.001 is a plain ReLU at the start; with the
    /// recipes' deep encoders, latents that are positive on every input early then sit far above a small threshold, where
    /// no entry falls in its window, and stay on for good (demo-linear, lambda 0.1: 14.5 nonzeros per sample from 0.01,
    /// 8.4 from 0.1).</summary>
    public double JumpThreshold { get; init; } = 0.1;

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
        if (L0 < 0 || !double.IsFinite(L0)) throw new ArgumentException($"must be finite and >= 0, got {L0}", nameof(L0));
        if (JumpBandwidth <= 0 || !double.IsFinite(JumpBandwidth)) throw new ArgumentException($"must be finite and > 0, got {JumpBandwidth}", nameof(JumpBandwidth));
        if (JumpThreshold <= 0 || !double.IsFinite(JumpThreshold)) throw new ArgumentException($"must be finite and > 0, got {JumpThreshold}", nameof(JumpThreshold));
        if ((Kind is ModelKind.SaeTopK or ModelKind.SaeBatchTopK) && (TopK < 1 || TopK > Latent))
            throw new ArgumentException($"must be in [1, latent = {Latent}], got {TopK}", nameof(TopK));
        return this;
    }
}
