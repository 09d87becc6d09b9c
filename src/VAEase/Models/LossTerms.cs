using static TorchSharp.torch;

namespace VAEase.Models;

/// <summary>The named terms of one batch's loss (scalars). <see cref="Total"/> is what is minimised.</summary>
/// <param name="Total">The training objective.</param>
/// <param name="SquaredError">Mean over the batch of the per-sample sum of squared errors.</param>
/// <param name="Penalty">The part of the objective that is not reconstruction (KL and log-gamma terms, or the sparsity and weight penalties).</param>
public sealed record LossTerms(Tensor Total, Tensor SquaredError, Tensor Penalty);

/// <summary>A deterministic encoding of a batch.</summary>
/// <param name="Code">What the decoder receives, [n, kappa]: (1 - sigma) ⊙ mu for VAEase, mu for the VAE, z for SAEs.</param>
/// <param name="Activity">Per-dimension activity, [n, kappa], higher = more active: -log sigma^2 for the VAE family,
/// log |z| for SAEs (-inf where z is exactly 0).</param>
public sealed record Encoding(Tensor Code, Tensor Activity);
