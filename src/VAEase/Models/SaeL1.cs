using static TorchSharp.torch;

namespace VAEase.Models;

/// <summary>SAE-l1: h(z) = |z| (Cunningham et al., 2024).</summary>
public sealed class SaeL1(ModelConfig config) : ReluSparseAutoencoder(config)
{
    protected override Tensor CodePenalty(Tensor pre, Tensor z) => Losses.L1Penalty(z);
}
