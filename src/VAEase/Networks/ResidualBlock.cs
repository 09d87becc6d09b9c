using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace VAEase.Networks;

/// <summary>x + f(x) with f = Linear(w, 4w), Swish, Linear(4w, 4w), BN, Swish, Linear(4w, w), BN, Swish
/// (spec §2, MLP manifolds: width 2*kappa, bottleneck 8*kappa).</summary>
public sealed class ResidualBlock : Module<Tensor, Tensor>
{
    private readonly Sequential body;

    public ResidualBlock(int width) : base(nameof(ResidualBlock))
    {
        int wide = 4 * width;
        body = Sequential(
            NetworkFactory.Dense(width, wide), SiLU(),
            NetworkFactory.Dense(wide, wide), BatchNorm1d(wide), SiLU(),
            NetworkFactory.Dense(wide, width), BatchNorm1d(width), SiLU());
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => x + body.forward(x);
}
