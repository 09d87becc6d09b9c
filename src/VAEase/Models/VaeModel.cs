using static TorchSharp.torch;

namespace VAEase.Models;

/// <summary>The vanilla VAE with learned decoder variance: the decoder receives z itself.</summary>
public sealed class VaeModel(ModelConfig config) : VariationalAutoencoder(config)
{
    protected override Tensor DecoderInput(Tensor z, Tensor sigma) => z;
}
