using VAEase.Models;
using VAEase.Networks;
using static TorchSharp.torch;

namespace VAEase.Tests.Models;

/// <summary>SAEs whose encoder and decoder are the identity (one Linear layer each, d = kappa), so that the
/// pre-activations are the input itself and tests can state the codes by hand.</summary>
internal static class IdentitySae
{
    public static SparseAutoencoder Create(ModelKind kind, int latent, int topK = 1, double l0 = 0.5, double bandwidth = 0.1)
    {
        var model = ModelFactory.Create(new ModelConfig
        {
            Kind = kind, InputDim = latent, Latent = latent, Encoder = EncoderKind.Linear, Decoder = DecoderKind.Linear,
            TopK = topK, L0 = l0, JumpBandwidth = bandwidth, L1 = 0, L2 = 0,
        });
        using var noGrad = no_grad();
        foreach (var (name, parameter) in model.named_parameters())
        {
            if (name.EndsWith(".weight", StringComparison.Ordinal)) parameter.copy_(eye(latent));
            if (name.EndsWith(".bias", StringComparison.Ordinal)) parameter.zero_();
        }
        return model;
    }

    /// <summary>Sets a parameter by name (e.g. log_threshold) without recording gradients.</summary>
    public static void Set(SparseAutoencoder model, string name, Tensor value)
    {
        using var noGrad = no_grad();
        model.named_parameters().Single(p => p.name == name).parameter.copy_(value);
    }
}
