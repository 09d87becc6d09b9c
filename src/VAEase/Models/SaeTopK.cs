using static TorchSharp.torch;

namespace VAEase.Models;

/// <summary>SAE-TopK: keep the k largest entries of ReLU(encoder(x)) per sample; reconstruction loss only
/// (Makhzani and Frey, 2013; Gao et al., 2024).</summary>
public sealed class SaeTopK(ModelConfig config) : ReluSparseAutoencoder(config)
{
    protected override Tensor CodePenalty(Tensor z) => zeros(z.shape[0], device: z.device);

    protected override (double L1, double L2) PenaltyWeights => (0, 0);

    protected override Tensor Sparsify(Tensor relu)
    {
        var (values, indices) = relu.topk(Config.TopK, dim: 1);
        return zeros_like(relu).scatter(1, indices, values);
    }
}
