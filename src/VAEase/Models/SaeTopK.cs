using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace VAEase.Models;

/// <summary>SAE-TopK: keep the k largest entries of ReLU(encoder(x)) per sample; reconstruction loss only
/// (Makhzani and Frey, 2013; Gao et al., 2024).</summary>
public sealed class SaeTopK(ModelConfig config) : ReluSparseAutoencoder(config)
{
    protected override Tensor CodePenalty(Tensor pre, Tensor z) => zeros(z.shape[0], device: z.device);

    protected override (double L1, double L2) PenaltyWeights => (0, 0);

    /// <summary>Keeps the entries at or above each row's k-th largest value: the k largest, as a mask
    /// (exact ties between positive values, which have probability 0, would keep more than k). A mask
    /// multiply instead of scattering the top-k values into zeros: the same gradient, and 3x faster per
    /// training step on the linear-union recipe (227 -> 711 steps/s, vaease bench).</summary>
    protected override Tensor Activate(Tensor pre)
    {
        Tensor relu = functional.relu(pre);
        Tensor kth = relu.topk(Config.TopK, dim: 1).values.narrow(1, Config.TopK - 1, 1); // [n, 1]
        return relu * relu.ge(kth);
    }
}
