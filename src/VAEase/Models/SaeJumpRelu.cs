using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace VAEase.Models;

/// <summary>SAE-JumpReLU (Rajamanoharan et al., 2024, "Jumping Ahead"; Gemma Scope): z = pre · H(pre - theta) with a
/// learned threshold theta_j = exp(log_threshold_j) per latent, and the loss ||x - x_hat||^2 + lambda · L0 with
/// L0 = sum_j H(pre_j - theta_j) (lambda = <see cref="ModelConfig.L0"/>; no decoder weight penalty, which L0, blind to
/// scale, does not need). H has no useful derivative, so theta learns through the paper's straight-through estimators
/// (§3, eq. 11-12), with the rectangle kernel K(u) = 1{|u| &lt; 1/2} of bandwidth eps = <see cref="ModelConfig.JumpBandwidth"/>:
///   pre · H(pre - theta):  d/dpre = H(pre - theta),  d/dtheta := -(theta / eps) K((pre - theta) / eps);
///   H(pre - theta):        d/dpre = 0,               d/dtheta := -(1 / eps) K((pre - theta) / eps).
/// Without custom autograd functions, each is its exact value plus a term that is exactly 0 and carries the
/// pseudo-derivative: w · (theta.detach() - theta) has the value 0 and the gradient -w in theta.</summary>
public sealed class SaeJumpRelu : ReluSparseAutoencoder
{
    private readonly Parameter log_threshold; // [kappa]

    public SaeJumpRelu(ModelConfig config) : base(config)
    {
        log_threshold = Parameter(full(config.Latent, Math.Log(config.JumpThreshold)));
        register_parameter(nameof(log_threshold), log_threshold);
    }

    /// <summary>The thresholds theta = exp(log_threshold), [kappa].</summary>
    public Tensor Threshold => log_threshold.exp();

    protected override Tensor Activate(Tensor pre) => Jump(pre, Threshold, Config.JumpBandwidth);

    protected override Tensor CodePenalty(Tensor pre, Tensor z) => Step(pre, Threshold, Config.JumpBandwidth).sum(1);

    protected override (double L1, double L2) PenaltyWeights => (Config.L0, 0);

    /// <summary>JumpReLU: pre · H(pre - theta) for pre [n, kappa] and theta [kappa], with the pseudo-derivative in theta.</summary>
    public static Tensor Jump(Tensor pre, Tensor theta, double bandwidth)
    {
        var (open, window, gap) = Pieces(pre, theta, bandwidth);
        return pre * open + window * gap * (theta.detach() / Scalars.Of(bandwidth));
    }

    /// <summary>The step H(pre - theta), [n, kappa], with the pseudo-derivative in theta and none in pre.</summary>
    public static Tensor Step(Tensor pre, Tensor theta, double bandwidth)
    {
        var (open, window, gap) = Pieces(pre, theta, bandwidth);
        return open + window * gap / Scalars.Of(bandwidth);
    }

    /// <summary>H(pre - theta) and K((pre - theta) / eps) as 0/1 in pre's dtype, without gradient, [n, kappa]; and the
    /// gap theta.detach() - theta, [kappa], 0 in value with the gradient -1 in theta. At pre = theta the latent is off: H(0) = 0.</summary>
    private static (Tensor Open, Tensor Window, Tensor Gap) Pieces(Tensor pre, Tensor theta, double bandwidth)
    {
        Tensor fixedTheta = theta.detach();
        Tensor distance = pre.detach() - fixedTheta;                                    // [n, kappa]
        Tensor open = distance.gt(Scalars.Of(0)).to_type(pre.dtype);
        Tensor window = distance.abs().lt(Scalars.Of(bandwidth / 2)).to_type(pre.dtype);
        return (open, window, fixedTheta - theta);
    }
}
