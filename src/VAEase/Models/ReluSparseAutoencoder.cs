using VAEase.Networks;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace VAEase.Models;

/// <summary>The SAE family (paper eq. 1): z = ReLU(encoder(x)), x_hat = decoder(z). Subclasses set the
/// penalty on z and may replace the activation (TopK, BatchTopK, JumpReLU).</summary>
public abstract class ReluSparseAutoencoder : SparseAutoencoder
{
    private readonly Module<Tensor, Tensor> encoder;
    private readonly Module<Tensor, Tensor> decoder;

    protected ReluSparseAutoencoder(ModelConfig config) : base(config)
    {
        // The one-layer recipe's SAE encoder is one Linear layer followed by the activation below.
        EncoderKind kind = config.Encoder == EncoderKind.OneLayer ? EncoderKind.Linear : config.Encoder;
        encoder = NetworkFactory.Encoder(kind, config.InputDim, config.Latent, config.Latent);
        decoder = NetworkFactory.Decoder(config.Decoder, config.Latent, config.InputDim);
        RegisterComponents();
    }

    public override ActivityKind ActivityKind => ActivityKind.LogMagnitude;

    /// <summary>Unweighted per-sample penalty from the encoder's pre-activations and the code, both [n, kappa] -> [n]
    /// (sum_j h(z_j) for SAE-l1/log; JumpReLU counts the pre-activations above their thresholds).</summary>
    protected abstract Tensor CodePenalty(Tensor pre, Tensor z);

    /// <summary>Weight of <see cref="CodePenalty"/> and of the decoder weight penalty.</summary>
    protected virtual (double L1, double L2) PenaltyWeights => (Config.L1, Config.L2);

    /// <summary>The code from the encoder's pre-activations [n, kappa]: their ReLU; TopK keeps the k largest of it.</summary>
    protected virtual Tensor Activate(Tensor pre) => functional.relu(pre);

    /// <summary>Sees the code of each training batch once, after its loss used it (BatchTopK's running threshold).</summary>
    protected virtual void Observe(Tensor z) { }

    public override LossTerms forward(Tensor x)
    {
        Tensor pre = encoder.forward(x);
        Tensor z = Activate(pre);
        if (training) Observe(z);
        var (l1, l2) = PenaltyWeights;
        return Losses.SparseAutoencoder(x, decoder.forward(z), CodePenalty(pre, z), l1, decoder.parameters(), l2);
    }

    public override Encoding Encode(Tensor x)
    {
        Tensor z = Activate(encoder.forward(x));
        return new Encoding(z, z.abs().log());
    }

    public override Tensor Decode(Tensor code) => decoder.forward(code);
}
