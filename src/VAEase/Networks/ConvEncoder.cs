using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace VAEase.Networks;

/// <summary>Residual conv encoder (spec §2, images): x [n, side^2] -> [n, 1, side, side] ->
/// Conv3x3(1->16)+BN+PReLU -> down-blocks 16->16, 16->32 -> spatial mean [n, 32] -> MLP head
/// (hidden 32, PReLU) -> [n, outDim].</summary>
public sealed class ConvEncoder : Module<Tensor, Tensor>, IConvCost
{
    private readonly int side;
    private readonly Sequential stem;
    private readonly DownBlock down1;
    private readonly DownBlock down2;
    private readonly Sequential head;

    public ConvEncoder(int inputDim, int outDim) : base(nameof(ConvEncoder))
    {
        ConvolutionBackend.Ensure();
        side = ImageShape.Side(inputDim) ?? throw new ArgumentException($"a conv encoder needs a square image with a side divisible by 4, got d = {inputDim}", nameof(inputDim));
        stem = Sequential(Conv2d(1, 16, 3, padding: 1), BatchNorm2d(16), PReLU(16));
        down1 = new DownBlock(16, 16);
        down2 = new DownBlock(16, 32);
        head = Sequential(Linear(32, 32), PReLU(32), Linear(32, outDim));
        RegisterComponents();
    }

    /// <summary>Stem at side^2, down-block 1 (two 3x3 convs and a 1x1 skip) at (side/2)^2, down-block 2 at (side/4)^2.</summary>
    public double ConvMultiplyAdds
    {
        get
        {
            double full = side * side, half = full / 4, quarter = full / 16;
            return InputConvMultiplyAdds + half * (16 * 16 * 9 * 2 + 16 * 16) + quarter * (32 * 16 * 9 + 32 * 32 * 9 + 32 * 16);
        }
    }

    /// <summary>The stem, Conv3x3(1->16) at side^2.</summary>
    public double InputConvMultiplyAdds => side * side * 16 * 9;

    public override Tensor forward(Tensor x) => head.forward(Pooled(x));

    /// <summary>The input of the head's output layer, [n, 32] (what a reopened latent's mean is fitted on).</summary>
    public Tensor Features(Tensor x)
    {
        Tensor h = Pooled(x);
        foreach (var layer in head.children().SkipLast(1)) h = ((Module<Tensor, Tensor>)layer).forward(h);
        return h;
    }

    /// <summary>Stem and down-blocks, spatially averaged: [n, 32].</summary>
    private Tensor Pooled(Tensor x) => down2.forward(down1.forward(stem.forward(x.view(-1, 1, side, side)))).mean([2, 3]); // [n, 32, side/4, side/4] -> [n, 32]
}
