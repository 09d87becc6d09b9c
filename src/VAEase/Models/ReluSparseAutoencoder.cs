using VAEase.Networks;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace VAEase.Models;

/// <summary>The SAE family (paper eq. 1): z = ReLU(encoder(x)), x_hat = decoder(z). Subclasses set the
/// penalty on z and may post-process the code (TopK).</summary>
public abstract class ReluSparseAutoencoder : SparseAutoencoder
{
    private readonly Module<Tensor, Tensor> encoder;
    private readonly Module<Tensor, Tensor> decoder;

    protected ReluSparseAutoencoder(ModelConfig config) : base(config)
    {
        // The one-layer recipe's SAE encoder is one Linear layer followed by the ReLU below.
        EncoderKind kind = config.Encoder == EncoderKind.OneLayer ? EncoderKind.Linear : config.Encoder;
        encoder = NetworkFactory.Encoder(kind, config.InputDim, config.Latent, config.Latent);
        decoder = NetworkFactory.Decoder(config.Decoder, config.Latent, config.InputDim);
        RegisterComponents();
    }

    public override ActivityKind ActivityKind => ActivityKind.LogMagnitude;

    /// <summary>Unweighted per-sample penalty sum_j h(z_j): z [n, kappa] -> [n].</summary>
    protected abstract Tensor CodePenalty(Tensor z);

    /// <summary>Weight of <see cref="CodePenalty"/> and of the decoder weight penalty.</summary>
    protected virtual (double L1, double L2) PenaltyWeights => (Config.L1, Config.L2);

    /// <summary>The code from the ReLU output [n, kappa]; TopK keeps the k largest.</summary>
    protected virtual Tensor Sparsify(Tensor relu) => relu;

    private Tensor Code(Tensor x) => Sparsify(functional.relu(encoder.forward(x)));

    public override LossTerms forward(Tensor x)
    {
        Tensor z = Code(x);
        var (l1, l2) = PenaltyWeights;
        return Losses.SparseAutoencoder(x, decoder.forward(z), CodePenalty(z), l1, decoder.parameters(), l2);
    }

    public override Encoding Encode(Tensor x)
    {
        Tensor z = Code(x);
        return new Encoding(z, z.abs().log());
    }

    public override Tensor Decode(Tensor code) => decoder.forward(code);
}
