using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace VAEase.Networks;

/// <summary>Residual down-block (spec §2, images): [n, in, h, w] -> [n, out, h/2, w/2] as
/// PReLU(BN(Conv3x3(PReLU(BN(Conv3x3/2(x))))) + BN(Conv1x1/2(x))).</summary>
public sealed class DownBlock : Module<Tensor, Tensor>
{
    private readonly Sequential body;
    private readonly Sequential skip;
    private readonly PReLU act;

    public DownBlock(int inChannels, int outChannels) : base(nameof(DownBlock))
    {
        body = Sequential(
            Conv2d(inChannels, outChannels, 3, stride: 2, padding: 1), BatchNorm2d(outChannels), PReLU(outChannels),
            Conv2d(outChannels, outChannels, 3, padding: 1), BatchNorm2d(outChannels));
        skip = Sequential(Conv2d(inChannels, outChannels, 1, stride: 2), BatchNorm2d(outChannels));
        act = PReLU(outChannels);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => act.forward(body.forward(x) + skip.forward(x));
}
