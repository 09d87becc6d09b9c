using static TorchSharp.torch;

namespace VAEase.Models;

/// <summary>The losses of spec §1 as pure functions of tensors, each averaged over the batch.</summary>
public static class Losses
{
    /// <summary>Per-sample sum of squared errors over the d input dims: [n, d] -> [n].</summary>
    public static Tensor SquaredError(Tensor x, Tensor xHat) => (x - xHat).square().sum(1);

    /// <summary>2 x the negative ELBO with decoder variance gamma (paper eq. 2-3, spec §1):
    /// mean_batch( ||x - x_hat||^2 / gamma + d log gamma + d log 2pi + sum_j (sigma_j^2 + mu_j^2 - log sigma_j^2) - kappa ).
    /// x, xHat: [n, d]; mu, logVar: [n, kappa]; logGamma: scalar.</summary>
    public static LossTerms NegativeElbo(Tensor x, Tensor xHat, Tensor mu, Tensor logVar, Tensor logGamma)
    {
        long d = x.shape[1], kappa = mu.shape[1];
        Tensor sse = SquaredError(x, xHat).mean();
        Tensor kl = (logVar.exp() + mu.square() - logVar).sum(1).mean() - Scalars.Of(kappa);
        Tensor penalty = kl + Scalars.Of(d) * logGamma + Scalars.Of(d * Math.Log(2 * Math.PI));
        return new LossTerms(sse * (-logGamma).exp() + penalty, sse, penalty);
    }

    /// <summary>SAE objective: mean_batch( ||x - x_hat||^2 + l1 * sum_j h(z_j) ) + l2 * ||theta_dec||^2,
    /// where the weight penalty covers the decoder's weights and biases (spec §1).
    /// codePenalty: [n] per-sample sum_j h(z_j), already computed by the model.</summary>
    public static LossTerms SparseAutoencoder(Tensor x, Tensor xHat, Tensor codePenalty, double l1, IEnumerable<Tensor> decoderParameters, double l2)
    {
        Tensor sse = SquaredError(x, xHat).mean();
        Tensor weights = zeros(1, device: x.device).squeeze();
        foreach (Tensor p in decoderParameters) weights = weights + p.square().sum();
        Tensor penalty = Scalars.Of(l1) * codePenalty.mean() + Scalars.Of(l2) * weights;
        return new LossTerms(sse + penalty, sse, penalty);
    }

    /// <summary>The l1 penalty per sample: sum_j |z_j|, [n, kappa] -> [n].</summary>
    public static Tensor L1Penalty(Tensor z) => z.abs().sum(1);

    /// <summary>The log penalty per sample: sum_j log(|z_j| + eps), [n, kappa] -> [n].</summary>
    public static Tensor LogPenalty(Tensor z, double eps) => (z.abs() + Scalars.Of(eps)).log().sum(1);
}
