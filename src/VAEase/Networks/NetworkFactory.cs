using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace VAEase.Networks;

/// <summary>Builds the encoder and decoder networks of spec §2 from their kinds: a choice of
/// configuration, not a class per dataset.</summary>
public static class NetworkFactory
{
    /// <summary>Encoder x [n, d] -> [n, outDim], where kappa sets the hidden widths.</summary>
    public static Module<Tensor, Tensor> Encoder(EncoderKind kind, int inputDim, int outDim, int kappa) => kind switch
    {
        EncoderKind.Linear => Linear(inputDim, outDim),
        EncoderKind.SwishMlp => Sequential(
            Linear(inputDim, 2 * kappa), SiLU(),
            Linear(2 * kappa, 2 * kappa), SiLU(),
            Linear(2 * kappa, 2 * kappa), SiLU(),
            Linear(2 * kappa, outDim)),
        EncoderKind.ResidualMlp => Sequential(
            Linear(inputDim, 2 * kappa), BatchNorm1d(2 * kappa), SiLU(),
            new ResidualBlock(2 * kappa), new ResidualBlock(2 * kappa), new ResidualBlock(2 * kappa),
            Linear(2 * kappa, outDim)),
        EncoderKind.OneLayer => Sequential(Linear(inputDim, outDim), SiLU()),
        EncoderKind.ResidualConv => new ConvEncoder(inputDim, outDim),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>Decoder code [n, kappa] -> x_hat [n, d].</summary>
    public static Module<Tensor, Tensor> Decoder(DecoderKind kind, int kappa, int outputDim) => kind switch
    {
        DecoderKind.Linear => Linear(kappa, outputDim),
        DecoderKind.Mlp => Sequential(Linear(kappa, 2 * kappa), LeakyReLU(0.2), Linear(2 * kappa, outputDim)),
        DecoderKind.ResidualMlp => Sequential(
            Linear(kappa, 2 * kappa), SiLU(),
            new ResidualBlock(2 * kappa), new ResidualBlock(2 * kappa), new ResidualBlock(2 * kappa),
            Linear(2 * kappa, outputDim)),
        DecoderKind.ResidualConv => new ConvDecoder(kappa, outputDim),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
