using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace VAEase.Networks;

/// <summary>Residual up-block (spec §2, images): [n, c, h, w] -> [n, c, 2h, 2w] as
/// PReLU(BN(Conv3x3(PReLU(BN(ConvT4x4/2(x))))) + nearest-upsampled x).</summary>
public sealed class UpBlock : Module<Tensor, Tensor>
{
    private readonly Sequential body;
    private readonly PReLU act;

    public UpBlock(int channels) : base(nameof(UpBlock))
    {
        body = Sequential(
            ConvTranspose2d(channels, channels, 4, stride: 2, padding: 1), BatchNorm2d(channels), PReLU(channels),
            Conv2d(channels, channels, 3, padding: 1), BatchNorm2d(channels));
        act = PReLU(channels);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) =>
        act.forward(body.forward(x) + x.repeat_interleave(2, 2).repeat_interleave(2, 3));
}
