using TorchSharp;
using TorchSharp.Modules;
using VAEase.Networks;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace VAEase.Models;

/// <summary>The VAE family: Gaussian encoder q(z|x) = N(mu, diag sigma^2) with sigma^2 &lt;= 1, decoder
/// mean mu_x and one learned decoder variance gamma (stored as log gamma). VAEase and the VAE differ
/// only in <see cref="DecoderInput"/>.</summary>
public abstract class VariationalAutoencoder : SparseAutoencoder
{
    private readonly Module<Tensor, Tensor> encoder;
    private readonly Module<Tensor, Tensor> decoder;
    private readonly LinearLayer? logvar_head;
    private readonly Parameter log_gamma;


    protected VariationalAutoencoder(ModelConfig config) : base(config)
    {
        int kappa = config.Latent;
        encoder = NetworkFactory.Encoder(config.Encoder, config.InputDim, 2 * kappa, kappa);
        decoder = NetworkFactory.Decoder(config.Decoder, kappa, config.InputDim);
        if (config.Encoder == EncoderKind.OneLayer) logvar_head = NetworkFactory.Dense(kappa, kappa);
        log_gamma = Parameter(tensor((float)config.LogGammaInit));
        RegisterComponents();
    }

    public override ActivityKind ActivityKind => ActivityKind.NegLogVariance;

    public override double? LogGamma => log_gamma.item<float>();

    /// <summary>What the decoder sees for a latent z and encoder std sigma, both [n, kappa].</summary>
    protected abstract Tensor DecoderInput(Tensor z, Tensor sigma);

    /// <summary>mu and log sigma^2, each [n, kappa], with sigma^2 &lt;= 1 (spec §1).</summary>
    private (Tensor Mu, Tensor LogVar) Posterior(Tensor x)
    {
        Tensor[] halves = encoder.forward(x).chunk(2, 1);
        Tensor logVar = logvar_head is null
            ? Bound(halves[1])                                                    // MLP encoders
            : functional.sigmoid(logvar_head.forward(halves[1])).clamp_min(Scalars.Of(1e-7)).log(); // one-layer encoder
        return (halves[0], logVar);
    }

    /// <summary>log sigma^2 &lt;= 0 from the encoder's raw output: min(raw, 0) as the authors, whose gradient
    /// vanishes above 0, or the smooth -softplus(-raw) = -relu(-raw) - log1p(exp(-|raw|)), whose gradient never
    /// does (written out so that no Scalar argument is involved, see Scalars).</summary>
    private Tensor Bound(Tensor raw) => Config.VarianceBound == VarianceBound.Clamp
        ? raw.clamp_max(Scalars.Of(0))
        : -functional.relu(-raw) - (-raw.abs()).exp().log1p();

    public override LossTerms forward(Tensor x)
    {
        var (mu, logVar) = Posterior(x);
        Tensor sigma = (Scalars.Of(0.5) * logVar).exp();
        Tensor eps = randn(mu.shape, dtype: mu.dtype, device: mu.device, generator: Noise);
        Tensor z = mu + sigma * eps;                                              // one reparameterised sample
        Tensor xHat = decoder.forward(DecoderInput(z, sigma));
        return Losses.NegativeElbo(x, xHat, mu, logVar, log_gamma);
    }

    public override Encoding Encode(Tensor x)
    {
        var (mu, logVar) = Posterior(x);
        return new Encoding(DecoderInput(mu, (Scalars.Of(0.5) * logVar).exp()), -logVar);
    }

    public override Tensor Decode(Tensor code) => decoder.forward(code);
}
