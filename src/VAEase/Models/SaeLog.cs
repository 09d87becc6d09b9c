using static TorchSharp.torch;

namespace VAEase.Models;

/// <summary>SAE-log: h(z) = log(|z| + eps) (Candes et al., 2008).</summary>
public sealed class SaeLog(ModelConfig config) : ReluSparseAutoencoder(config)
{
    protected override Tensor CodePenalty(Tensor pre, Tensor z) => Losses.LogPenalty(z, Config.LogEps);
}
