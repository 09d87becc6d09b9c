using VAEase.Models;

namespace VAEase.Evaluation;

/// <summary>Per-sample active sets: one flag per latent dimension, row-major [n * kappa].</summary>
public sealed class ActiveSets
{
    /// <summary>The authors' fixed Table 5 level: a dimension is active when sigma &lt; 0.05 (appendix C).</summary>
    public const double AuthorsSigma = 0.05;

    public ActiveSets(bool[] active, int latent, ActiveRule rule, double? sigmaLevel = null)
    {
        if (latent < 1) throw new ArgumentException($"must be >= 1, got {latent}", nameof(latent));
        if (active.Length % latent != 0) throw new ArgumentException($"{active.Length} flags are not rows of {latent}", nameof(active));
        Active = active;
        Latent = latent;
        Rule = rule;
        SigmaLevel = sigmaLevel;
    }

    /// <summary>Whether latent dimension j is active in sample i, at [i * kappa + j].</summary>
    public bool[] Active { get; }

    /// <summary>Latent dimension kappa.</summary>
    public int Latent { get; }

    /// <summary>The rule that made the sets.</summary>
    public ActiveRule Rule { get; }

    /// <summary>The sigma level of <see cref="ActiveRule.FixedSigma"/>, else null.</summary>
    public double? SigmaLevel { get; }

    public long Count => Active.LongLength / Latent;

    /// <summary>Number of active dimensions of each sample, [n].</summary>
    public int[] Sizes()
    {
        var sizes = new int[Count];
        for (long i = 0; i < sizes.LongLength; i++)
            for (int j = 0; j < Latent; j++)
                if (Active[i * Latent + j]) sizes[i]++;
        return sizes;
    }

    /// <summary>Applies a rule to every sample of an encoded set. <see cref="ActiveRule.FixedSigma"/> needs the
    /// VAE family and <see cref="ActiveRule.Nonzero"/> an SAE; the other pairings throw ArgumentException.</summary>
    public static ActiveSets From(EncodedSet encoded, ActiveRule rule, double sigmaLevel = AuthorsSigma)
    {
        bool variational = encoded.Kind == ActivityKind.NegLogVariance;
        if (rule == ActiveRule.FixedSigma && !variational)
            throw new ArgumentException("the fixed-sigma rule needs a VAE-family model (an SAE has no sigma); use nonzero", nameof(rule));
        if (rule == ActiveRule.Nonzero && variational)
            throw new ArgumentException("the nonzero rule needs an SAE (a VAE code is never exactly zero); use fixed-sigma", nameof(rule));
        if (rule == ActiveRule.FixedSigma && !(sigmaLevel > 0 && sigmaLevel <= 1))
            throw new ArgumentException($"must be in (0, 1], got {sigmaLevel}", nameof(sigmaLevel));

        int kappa = encoded.Latent;
        var active = new bool[encoded.Activity.LongLength];
        var row = new double[kappa];
        // sigma < s  <=>  log sigma^2 < 2 ln s  <=>  activity = -log sigma^2 > -2 ln s.
        double fixedCut = rule == ActiveRule.FixedSigma ? -2 * Math.Log(sigmaLevel) : double.NegativeInfinity;
        for (long i = 0; i < encoded.Count; i++)
        {
            ReadOnlySpan<float> a = encoded.ActivityRow(i);
            Span<bool> flags = active.AsSpan(checked((int)(i * kappa)), kappa);
            if (rule == ActiveRule.VarianceSplit)
            {
                for (int j = 0; j < kappa; j++) row[j] = a[j];
                VarianceSplit.Active(row, encoded.OffLevel, flags);
            }
            else
            {
                for (int j = 0; j < kappa; j++) flags[j] = a[j] > fixedCut;   // Nonzero: log|z| > -inf
            }
        }
        return new ActiveSets(active, kappa, rule, rule == ActiveRule.FixedSigma ? sigmaLevel : null);
    }
}
