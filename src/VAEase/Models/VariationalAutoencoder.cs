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

    /// <summary>sigma = exp(log sigma^2 / 2), [n, kappa].</summary>
    private static Tensor Sigma(Tensor logVar) => (Scalars.Of(0.5) * logVar).exp();

    /// <summary>log sigma^2 &lt;= 0 from the encoder's raw output: min(raw, 0) as the authors, whose gradient
    /// vanishes above 0, or the smooth -softplus(-raw) = -relu(-raw) - log1p(exp(-|raw|)), whose gradient never
    /// does (written out so that no Scalar argument is involved, see Scalars).</summary>
    private Tensor Bound(Tensor raw) => Config.VarianceBound == VarianceBound.Clamp
        ? raw.clamp_max(Scalars.Of(0))
        : -functional.relu(-raw) - (-raw.abs()).exp().log1p();

    public override LossTerms forward(Tensor x)
    {
        var (mu, logVar) = Posterior(x);
        Tensor sigma = Sigma(logVar);
        Tensor eps = randn(mu.shape, dtype: mu.dtype, device: mu.device, generator: Noise);
        Tensor z = mu + sigma * eps;                                              // one reparameterised sample
        Tensor xHat = decoder.forward(DecoderInput(z, sigma));
        if (training && Config.Gamma == GammaMode.Anchored) Anchor(x, xHat);
        return Losses.NegativeElbo(x, xHat, mu, logVar, log_gamma);
    }

    /// <summary>How far log gamma may sit below its closed-form optimum log(SSE / d) (GammaMode.Anchored): the reconstruction
    /// term then weighs at most e^2 ~ 7.4 times its value at the optimum.</summary>
    public const double AnchorGap = 2;

    /// <summary>GammaMode.Anchored: the start of log gamma, log of the mean per-coordinate variance of
    /// <paramref name="rows"/> [n, d] (gamma of the model that explains everything as noise) minus <see cref="AnchorGap"/>,
    /// in place of <see cref="ModelConfig.LogGammaInit"/>: a start at or above the all-noise level leaves every latent at
    /// the prior, one far below it opens them all (docs/findings.md §10).</summary>
    public void StartGamma(Tensor rows)
    {
        if (Config.Gamma != GammaMode.Anchored) throw new InvalidOperationException("only an anchored gamma starts from the data");
        using var noGrad = no_grad();
        using Tensor variance = rows.var(0).mean().clamp_min(Scalars.Of(1e-30));
        using Tensor start = variance.log() - Scalars.Of(AnchorGap);
        log_gamma.copy_(start);
    }

    /// <summary>Raises log gamma, without gradient, to log(SSE / d) - <see cref="AnchorGap"/> of the batch where it is below.
    /// At a fixed point gamma = SSE / d, so the floor is inactive there and changes nothing.</summary>
    private void Anchor(Tensor x, Tensor xHat)
    {
        using var noGrad = no_grad();
        using Tensor floor = (Losses.SquaredError(x, xHat).mean() / Scalars.Of(x.shape[1])).clamp_min(Scalars.Of(1e-30)).log() - Scalars.Of(AnchorGap);
        log_gamma.copy_(maximum(log_gamma, floor));
    }

    public override Encoding Encode(Tensor x)
    {
        var (mu, logVar) = Posterior(x);
        return new Encoding(DecoderInput(mu, Sigma(logVar)), -logVar);
    }

    public override Tensor Decode(Tensor code) => decoder.forward(code);

    /// <summary>Puts latents that sit at the prior back on trial (docs/findings.md §10). A latent at the prior for every
    /// input gets no gradient in expectation (its decoder input is 0 for VAEase, pure noise for the VAE), so it can never
    /// come back by itself. Here each dead latent is started on one principal direction u of the residual of
    /// <paramref name="probe"/> whose variance lambda exceeds gamma (probabilistic PCA's condition for a direction to be
    /// worth a latent: it lowers the loss by lambda/gamma - 1 - log(lambda/gamma) per sample), largest first, one latent per
    /// direction, at the optimum of that one-latent problem: the mean's row of the encoder's output layer is fitted by least
    /// squares on the layer's input so that mu ~ u^T r scaled to variance 1 - gamma/lambda, sigma^2 = gamma/lambda for every
    /// input, and (linear decoders) the decoder column is the regression of the residual on the latent's decoder input;
    /// other decoders start the column at 0 and learn it. From there the objective decides: a latent that does not pay for
    /// its KL term returns to the prior. Returns the number reopened (at most one per worthy direction) and the changed
    /// parameters with masks of the changed entries, whose optimiser moments the caller restarts.</summary>
    public Reopening Reopen(IReadOnlyList<long> dead, Tensor probe)
    {
        int kappa = Config.Latent;
        if (dead.Any(j => j < 0 || j >= kappa)) throw new ArgumentOutOfRangeException(nameof(dead), $"latents must be in [0, {kappa})");
        if (dead.Count == 0) return new Reopening(0, []);
        var (encoderWeight, encoderBias) = EncoderOutput();
        Parameter decoderWeight = DecoderInputWeight();
        bool training = this.training;
        eval();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        double gamma = Math.Exp(log_gamma.item<float>());
        Tensor residual = (probe - Reconstruct(probe)).to_type(ScalarType.Float64); // [p, d]
        long p = residual.shape[0];
        var (values, vectors) = linalg.eigh(residual.t().matmul(residual) / Scalars.Of(p)); // ascending
        int worthy = (int)values.gt(Scalars.Of(gamma)).sum().item<long>();
        int count = Math.Min(worthy, dead.Count);
        if (count == 0) { train(training); return new Reopening(0, []); }

        Tensor features = EncoderFeatures(probe).to_type(ScalarType.Float64);               // [p, h]
        Tensor design = cat([features, ones(p, 1, dtype: ScalarType.Float64, device: features.device)], 1); // [p, h + 1]
        Tensor gram = design.t().matmul(design);
        Tensor ridge = eye(gram.shape[0], dtype: ScalarType.Float64, device: gram.device) * Scalars.Of(1e-6 * gram.diagonal().mean().item<double>() + 1e-12);
        long h = features.shape[1];
        var rows = new long[count];
        var fits = new Tensor[count];
        var raws = new double[count];
        for (int i = 0; i < count; i++)
        {
            rows[i] = dead[i];
            int k = (int)values.shape[0] - 1 - i;
            double lambda = values[k].item<double>(), ratio = lambda / gamma;
            Tensor u = vectors.select(1, k);                                             // [d]
            Tensor target = residual.matmul(u) * Scalars.Of(Math.Sqrt((1 - 1 / ratio) / lambda)); // [p], variance 1 - gamma/lambda
            fits[i] = linalg.solve(gram + ridge, design.t().matmul(target));             // [h + 1]
            // sigma^2 = gamma/lambda, i.e. log sigma^2 = -log(ratio): the raw value b with -softplus(-b) = log sigma^2, or
            // sigmoid(b) = sigma^2 (one-layer head), is b = -log(ratio - 1) in both cases; the clamp bound takes b itself.
            raws[i] = Config.VarianceBound == VarianceBound.Clamp && logvar_head is null ? -Math.Log(ratio) : -Math.Log(ratio - 1);
        }
        Tensor index = tensor(rows, device: encoderWeight.device);
        Tensor fitted = stack(fits);                                                    // [count, h + 1]
        encoderWeight.index_copy_(0, index, fitted.narrow(1, 0, h).to_type(encoderWeight.dtype));
        encoderBias.index_copy_(0, index, fitted.select(1, h).to_type(encoderBias.dtype));
        Tensor raw = tensor(raws, dtype: encoderBias.dtype, device: encoderBias.device);
        Parameter[] head = logvar_head is null ? [encoderWeight, encoderBias] : logvar_head.parameters().ToArray();
        Tensor varianceRows = logvar_head is null ? index + kappa : index;
        head[0].index_fill_(0, varianceRows, Scalars.Of(0));
        head[1].index_copy_(0, varianceRows, raw);
        Tensor decoderColumns = zeros(decoderWeight.shape[0], count, dtype: ScalarType.Float64, device: decoderWeight.device);
        if (Config.Decoder == DecoderKind.Linear)
        {
            // The regression of the residual on each reopened latent's decoder input c_j = g(mu_j + sigma_j eps): the
            // least-squares column in expectation over eps, w_j = r^T E[c_j] / sum (E[c_j]^2 + Var c_j).
            var (newMu, newLogVar) = Posterior(probe);
            Tensor sigma = Sigma(newLogVar);
            Tensor mean = DecoderInput(newMu, sigma).index_select(1, index).to_type(ScalarType.Float64);          // [p, count]
            Tensor spread = DecoderInput(newMu + sigma, sigma).index_select(1, index).to_type(ScalarType.Float64) - mean; // one noise std
            decoderColumns = residual.t().matmul(mean) / (mean.square() + spread.square()).sum(dim: 0).clamp_min(Scalars.Of(1e-30));
        }
        decoderWeight.index_copy_(1, index, decoderColumns.to_type(decoderWeight.dtype));

        Tensor encoderRows = logvar_head is null ? cat([index, index + kappa]) : index;
        var changed = new List<(Parameter, Tensor)> { (encoderWeight, Rows(encoderWeight, encoderRows)), (encoderBias, Rows(encoderBias, encoderRows)) };
        if (logvar_head is not null) changed.AddRange(logvar_head.parameters().Select(q => (q, Rows(q, index))));
        changed.Add((decoderWeight, zeros_like(decoderWeight, dtype: ScalarType.Bool).index_fill_(1, index, Scalars.Of(1))));
        train(training);
        return new Reopening(count, changed.Select(c => (c.Item1, c.Item2.MoveToOuterDisposeScope())).ToList());
    }

    /// <summary>A mask of <paramref name="p"/>'s shape that is true on the given rows.</summary>
    private static Tensor Rows(Tensor p, Tensor rows) => zeros_like(p, dtype: ScalarType.Bool).index_fill_(0, rows, Scalars.Of(1));

    /// <summary>The input of the encoder's output layer for x [n, d]: [n, h].</summary>
    private Tensor EncoderFeatures(Tensor x)
    {
        switch (encoder)
        {
            case ConvEncoder conv: return conv.Features(x);
            case LinearLayer: return x;
            case Sequential sequential:
                Module[] layers = sequential.children().ToArray();
                int last = Array.FindLastIndex(layers, m => m is LinearLayer);
                Tensor h = x;
                for (int i = 0; i < last; i++) h = ((Module<Tensor, Tensor>)layers[i]).forward(h);
                return h;
            default: throw new InvalidOperationException($"no features for the {Config.Encoder} encoder");
        }
    }

    /// <summary>The encoder's output layer: weight [2 kappa, h] and bias [2 kappa] (the last parameters it registers).</summary>
    private (Parameter Weight, Parameter Bias) EncoderOutput()
    {
        Parameter[] ps = encoder.parameters().ToArray();
        if (ps.Length < 2 || ps[^2].dim() != 2 || ps[^2].shape[0] != 2 * Config.Latent || ps[^1].dim() != 1 || ps[^1].shape[0] != 2 * Config.Latent)
            throw new InvalidOperationException($"the {Config.Encoder} encoder does not end in a linear layer with 2 kappa outputs");
        return (ps[^2], ps[^1]);
    }

    /// <summary>The decoder's input layer weight [out, kappa] (the first parameter it registers).</summary>
    private Parameter DecoderInputWeight()
    {
        Parameter first = decoder.parameters().First();
        if (first.dim() != 2 || first.shape[1] != Config.Latent)
            throw new InvalidOperationException($"the {Config.Decoder} decoder does not start with a linear layer on the kappa latents");
        return first;
    }
}
