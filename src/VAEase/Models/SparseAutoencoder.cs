using VAEase.Networks;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace VAEase.Models;

/// <summary>What every model of the paper offers: the training loss of a batch (forward), a
/// deterministic code with per-dimension activity, and decoding.</summary>
public abstract class SparseAutoencoder : Module<Tensor, LossTerms>
{
    protected SparseAutoencoder(ModelConfig config) : base(config.Kind.ToString())
    {
        Config = config.Validate();
    }

    public ModelConfig Config { get; }

    /// <summary>How per-group activity is pooled: mean of -log sigma^2 (VAE family) or log of mean |z| (SAEs), spec §4.</summary>
    public abstract ActivityKind ActivityKind { get; }

    /// <summary>Deterministic code and activity for x [n, d] (VAE family: z = mu, no sampling).</summary>
    public abstract Encoding Encode(Tensor x);

    /// <summary>Decoder output for a code [n, kappa] as returned by <see cref="Encode"/> (possibly masked).</summary>
    public abstract Tensor Decode(Tensor code);

    /// <summary>Reconstruction through the deterministic code.</summary>
    public Tensor Reconstruct(Tensor x)
    {
        Encoding encoding = Encode(x);
        return Decode(encoding.Code);
    }

    /// <summary>Source of the reparameterisation noise (VAE family); seeded by the trainer for reproducible runs.</summary>
    public Generator? Noise { get; set; }

    /// <summary>Sets the training-mode precision of every linear layer's product (eval mode is float32 regardless).</summary>
    public void UseMatmulPrecision(MatmulPrecision precision)
    {
        foreach (var module in modules())
            if (module is LinearLayer layer) layer.Precision = precision;
    }

    /// <summary>Current log(gamma) for the VAE family, null for SAEs.</summary>
    public virtual double? LogGamma => null;
}

/// <summary>How activity scores pool over a group of samples (spec §4).</summary>
public enum ActivityKind
{
    /// <summary>Activity = -log sigma^2; a group's activity is the mean over its samples.</summary>
    NegLogVariance,

    /// <summary>Activity = log |z|; a group's activity is log of the mean |z| over its samples.</summary>
    LogMagnitude,
}
