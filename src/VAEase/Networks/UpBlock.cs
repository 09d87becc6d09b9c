using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace VAEase.Networks;

/// <summary>Residual up-block (spec §2, images): [n, c, h, w] -> [n, c, 2h, 2w] as
/// PReLU(BN(Conv3x3(PReLU(BN(ConvT4x4/2(x))))) + nearest-upsampled x). The transposed conv runs as a sub-pixel
/// conv (<see cref="SubPixelConvTranspose"/>): the same parameters and math, faster kernels.</summary>
public sealed class UpBlock : Module<Tensor, Tensor>
{
    private readonly Sequential body;
    private readonly PReLU act;

    public UpBlock(int channels) : base(nameof(UpBlock))
    {
        body = Sequential(
            new SubPixelConvTranspose(channels, channels), BatchNorm2d(channels), PReLU(channels),
            Conv2d(channels, channels, 3, padding: 1), BatchNorm2d(channels));
        act = PReLU(channels);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) =>
        act.forward(body.forward(x) + x.repeat_interleave(2, 2).repeat_interleave(2, 3));
}
