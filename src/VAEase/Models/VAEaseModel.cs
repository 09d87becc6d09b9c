using static TorchSharp.torch;

namespace VAEase.Models;

/// <summary>VAEase (paper eq. 4): the decoder receives (1 - sigma) ⊙ z, so inactive dimensions
/// (sigma ≈ 1) reach it as ≈ 0 and active ones (sigma ≈ 0) pass through.</summary>
public sealed class VAEaseModel(ModelConfig config) : VariationalAutoencoder(config)
{
    protected override Tensor DecoderInput(Tensor z, Tensor sigma) => (Scalars.Of(1) - sigma) * z;
}
