using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace VAEase.Networks;

/// <summary>Builds the encoder and decoder networks of spec §2 from their kinds: a choice of
/// configuration, not a class per dataset.</summary>
public static class NetworkFactory
{
    /// <summary>The linear layer of every network built here (mixed precision capable, see <see cref="LinearLayer"/>).</summary>
    internal static LinearLayer Dense(long inFeatures, long outFeatures) => new(inFeatures, outFeatures);

    /// <summary>Encoder x [n, d] -> [n, outDim], where kappa sets the hidden widths.</summary>
    public static Module<Tensor, Tensor> Encoder(EncoderKind kind, int inputDim, int outDim, int kappa) => kind switch
    {
        EncoderKind.Linear => Dense(inputDim, outDim),
        EncoderKind.SwishMlp => Sequential(
            Dense(inputDim, 2 * kappa), SiLU(),
            Dense(2 * kappa, 2 * kappa), SiLU(),
            Dense(2 * kappa, 2 * kappa), SiLU(),
            Dense(2 * kappa, outDim)),
        EncoderKind.ResidualMlp => Sequential(
            Dense(inputDim, 2 * kappa), BatchNorm1d(2 * kappa), SiLU(),
            new ResidualBlock(2 * kappa), new ResidualBlock(2 * kappa), new ResidualBlock(2 * kappa),
            Dense(2 * kappa, outDim)),
        EncoderKind.OneLayer => Sequential(Dense(inputDim, outDim), SiLU()),
        EncoderKind.ResidualConv => new ConvEncoder(inputDim, outDim),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>Decoder code [n, kappa] -> x_hat [n, d].</summary>
    public static Module<Tensor, Tensor> Decoder(DecoderKind kind, int kappa, int outputDim) => kind switch
    {
        DecoderKind.Linear => Dense(kappa, outputDim),
        DecoderKind.Mlp => Sequential(Dense(kappa, 2 * kappa), LeakyReLU(0.2), Dense(2 * kappa, outputDim)),
        DecoderKind.ResidualMlp => Sequential(
            Dense(kappa, 2 * kappa), SiLU(),
            new ResidualBlock(2 * kappa), new ResidualBlock(2 * kappa), new ResidualBlock(2 * kappa),
            Dense(2 * kappa, outputDim)),
        DecoderKind.ResidualConv => new ConvDecoder(kappa, outputDim),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
