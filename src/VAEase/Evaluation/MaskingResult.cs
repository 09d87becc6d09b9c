using VAEase.Models;

namespace VAEase.Evaluation;

/// <summary>Figure 4: reconstruction error as the least active latent dimensions are masked out.
/// Serialised as snake_case JSON; <see cref="Re"/>[i] belongs to <see cref="Kept"/>[i].</summary>
public sealed record MaskingResult
{
    /// <summary>The model evaluated.</summary>
    public ModelKind Model { get; init; }

    /// <summary>Number of samples.</summary>
    public long Samples { get; init; }

    /// <summary>Latent dimension kappa (masked dims = kappa - kept).</summary>
    public int Latent { get; init; }

    /// <summary>Number k of most active dimensions kept per sample, ascending.</summary>
    public int[] Kept { get; init; } = [];

    /// <summary>RE(k): mean over samples of the per-sample sum of squared errors with only the k most active code entries.</summary>
    public double[] Re { get; init; } = [];

    /// <summary>RE of the unmasked deterministic code (the curve's value at k = kappa).</summary>
    public double FullRe { get; init; }

    /// <summary>Mean per-sample active dims by the variance-split rule, to mark on the curve.</summary>
    public double MeanActiveDims { get; init; }

    /// <summary>Which activity ranks the dimensions.</summary>
    public string Ranking { get; init; } = "";
}
