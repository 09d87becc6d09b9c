using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace VAEase.Networks;

/// <summary>Residual down-block (spec §2, images): [n, in, h, w] -> [n, out, h/2, w/2] as
/// PReLU(BN(Conv3x3(PReLU(BN(Conv3x3/2(x))))) + BN(Conv1x1/2(x))). The 3x3 convs are <see cref="Conv3x3"/>: Conv2d's
/// parameters and math, a faster weight gradient.</summary>
public sealed class DownBlock : Module<Tensor, Tensor>
{
    private readonly Sequential body;
    private readonly Sequential skip;
    private readonly PReLU act;

    public DownBlock(int inChannels, int outChannels) : base(nameof(DownBlock))
    {
        body = Sequential(
            new Conv3x3(inChannels, outChannels, stride: 2), BatchNorm2d(outChannels), PReLU(outChannels),
            new Conv3x3(outChannels, outChannels), BatchNorm2d(outChannels));
        skip = Sequential(Conv2d(inChannels, outChannels, 1, stride: 2), BatchNorm2d(outChannels));
        act = PReLU(outChannels);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => act.forward(body.forward(x) + skip.forward(x));
}
