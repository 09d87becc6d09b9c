namespace VAEase.Evaluation;

/// <summary>The 1-D problem of Figure 3 (appendix D.1): one data value x, decoder mu_x = w z with w
/// optimised out, SAE-log with h(z) = log(|z| + eps), VAEase with fixed gamma. Immutable: derive with `with`.</summary>
public sealed record LandscapeConfig
{
    /// <summary>The data value x (D.1 does not give it; x = 1 shows both minima of the SAE-log loss).</summary>
    public double X { get; init; } = 1.0;

    /// <summary>lambda_1, the weight of the sparsity penalty h in the SAE loss (1).</summary>
    public double Lambda1 { get; init; } = 0.1;

    /// <summary>lambda_2, the weight of the decoder penalty w^2 in the SAE loss (1).</summary>
    public double Lambda2 { get; init; } = 0.1;

    /// <summary>eps of the log penalty h(z) = log(|z| + eps).</summary>
    public double Eps { get; init; } = 1e-4;

    /// <summary>gamma, the fixed VAEase decoder variance.</summary>
    public double Gamma { get; init; } = 0.1;

    /// <summary>Right end of the latent grid [0, ZMax] (both losses are even in z).</summary>
    public double ZMax { get; init; } = 3.0;

    /// <summary>Grid points, both ends included.</summary>
    public int Points { get; init; } = 3001;

    /// <summary>Throws ArgumentException naming the first invalid field.</summary>
    public LandscapeConfig Validate()
    {
        if (X == 0 || !double.IsFinite(X)) throw new ArgumentException($"must be finite and nonzero, got {X}", nameof(X));
        if (!(Lambda1 > 0)) throw new ArgumentException($"must be > 0, got {Lambda1}", nameof(Lambda1));
        if (!(Lambda2 > 0)) throw new ArgumentException($"must be > 0, got {Lambda2}", nameof(Lambda2));
        if (!(Eps > 0)) throw new ArgumentException($"must be > 0, got {Eps}", nameof(Eps));
        if (!(Gamma > 0)) throw new ArgumentException($"must be > 0, got {Gamma}", nameof(Gamma));
        if (!(ZMax > 0) || !double.IsFinite(ZMax)) throw new ArgumentException($"must be finite and > 0, got {ZMax}", nameof(ZMax));
        if (Points < 3) throw new ArgumentException($"must be >= 3, got {Points}", nameof(Points));
        return this;
    }
}
