using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace VAEase.Networks;

/// <summary>Residual conv decoder (spec §2, images): code [n, kappa] -> Linear to 16 x (side/4)^2 + ReLU ->
/// two up-blocks -> Conv3x3(16->1)+BN+PReLU -> sigmoid -> x_hat [n, side^2] in (0, 1).</summary>
public sealed class ConvDecoder : Module<Tensor, Tensor>, IConvCost
{
    private const int Channels = 16;
    private readonly int side;
    private readonly Sequential dense;
    private readonly UpBlock up1;
    private readonly UpBlock up2;
    private readonly Sequential output;

    public ConvDecoder(int kappa, int outputDim) : base(nameof(ConvDecoder))
    {
        ConvolutionBackend.Ensure();
        side = ImageShape.Side(outputDim) ?? throw new ArgumentException($"a conv decoder needs a square image with a side divisible by 4, got d = {outputDim}", nameof(outputDim));
        dense = Sequential(Linear(kappa, Channels * (side / 4) * (side / 4)), ReLU());
        up1 = new UpBlock(Channels);
        up2 = new UpBlock(Channels);
        output = Sequential(Conv2d(Channels, 1, 3, padding: 1), BatchNorm2d(1), PReLU(1), Sigmoid());
        RegisterComponents();
    }

    /// <summary>Each up-block: a 4x4 transposed conv (16 taps per input pixel) and a 3x3 conv at the doubled side; then the output conv.</summary>
    public double ConvMultiplyAdds
    {
        get
        {
            double full = side * side, half = full / 4, quarter = full / 16;
            const int c = Channels;
            return quarter * c * c * 16 + half * c * c * 9 + half * c * c * 16 + full * c * c * 9 + full * c * 9;
        }
    }

    /// <summary>The first up-block's transposed conv, at (side/4)^2 input pixels.</summary>
    public double InputConvMultiplyAdds => side / 4 * (side / 4) * Channels * Channels * 16;

    public override Tensor forward(Tensor code)
    {
        Tensor h = dense.forward(code).view(-1, Channels, side / 4, side / 4);
        return output.forward(up2.forward(up1.forward(h))).view(-1, side * side);
    }
}
