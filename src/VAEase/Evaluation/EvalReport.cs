namespace VAEase.Evaluation;

/// <summary>Summary statistics of a per-sample quantity.</summary>
public sealed record Summary(double Mean, double Median, double Std, double Min, double Max)
{
    public static Summary Of(IEnumerable<int> values) => Of(values.Select(v => (double)v));

    public static Summary Of(IEnumerable<double> values)
    {
        double[] sorted = values.OrderBy(v => v).ToArray();
        if (sorted.Length == 0) return new Summary(double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        double mean = sorted.Average();
        double median = sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2.0;
        double std = Math.Sqrt(sorted.Sum(v => (v - mean) * (v - mean)) / sorted.Length);
        return new Summary(mean, median, std, sorted[0], sorted[^1]);
    }
}

/// <summary>Evaluation of a model on a data set (spec §4). Serialised as the `--json` output of `vaease eval`.</summary>
public sealed record EvalReport
{
    /// <summary>Number of samples evaluated.</summary>
    public long Samples { get; init; }

    /// <summary>Reconstruction error: mean over samples of the per-sample sum of squared errors, deterministic code.</summary>
    public double Re { get; init; }

    /// <summary>Fraction of variance unexplained: sum_i ||x_i - x_hat_i||^2 / sum_i ||x_i - x_bar||^2 over the evaluated
    /// rows, x_bar their mean (<see cref="FvuRule"/>).</summary>
    public double Fvu { get; init; }

    /// <summary>FVU with each sample's code kept to the dims its L0 counts (the rest set to 0 before decoding): the same
    /// as <see cref="Fvu"/> for the SAEs, whose other entries are exactly 0; for the VAE family the honest error at its
    /// L0 on a sparsity-error frontier, since dims outside its active set are damped, not removed.</summary>
    public double FvuAtL0 { get; init; }

    /// <summary>The definition of <see cref="Fvu"/>, in words.</summary>
    public string FvuRule { get; init; } = "";

    /// <summary>Mean over samples of the per-sample active dims (variance-split rule).</summary>
    public double MeanActiveDims { get; init; }

    /// <summary>Statistics of the per-sample active dims.</summary>
    public Summary ActiveDimsPerSample { get; init; } = new(0, 0, 0, 0, 0);

    /// <summary>How many samples have each number of active dims.</summary>
    public SortedDictionary<int, long> ActiveDimsHistogram { get; init; } = [];

    /// <summary>Per group (manifold / class label): active dims of the group's pooled activity (spec §4).</summary>
    public SortedDictionary<long, int>? ActiveDimsPerGroup { get; init; }

    /// <summary>Per group: the pooled activity per latent dim that the group's rule splits (mean of -log sigma^2,
    /// or log of the mean |z|; higher = more active).</summary>
    public SortedDictionary<long, double[]>? PooledActivityPerGroup { get; init; }

    /// <summary>The pooled activity per latent dim over all samples (as <see cref="PooledActivityPerGroup"/>, one group).</summary>
    public double[] PooledActivity { get; init; } = [];

    /// <summary>Per group: mean of the per-sample active dims of its samples.</summary>
    public SortedDictionary<long, double>? MeanActiveDimsPerGroup { get; init; }

    /// <summary>Per group: median of the per-sample active dims of its samples (the typical local
    /// dimension; unlike the pooled rule it does not count a dimension that only some samples use).</summary>
    public SortedDictionary<long, double>? MedianActiveDimsPerGroup { get; init; }

    /// <summary>SAEs: statistics of the number of nonzero code entries per sample (the authors' printed
    /// "active dims" for SAEs, where log 0 = -inf poisons the split). Null for the VAE family.</summary>
    public Summary? NonzeroPerSample { get; init; }

    /// <summary>Latent dimensions active in no sample (variance-split rule).</summary>
    public int DeadLatents { get; init; }

    /// <summary>L0: mean over samples of the code entries in use (<see cref="L0Rule"/>): the nonzero entries for SAEs,
    /// the active dims for the VAE family, whose code is never exactly 0.</summary>
    public double L0 { get; init; }

    /// <summary>Statistics of the per-sample L0.</summary>
    public Summary L0PerSample { get; init; } = new(0, 0, 0, 0, 0);

    /// <summary>How many samples have each L0.</summary>
    public SortedDictionary<int, long> L0Histogram { get; init; } = [];

    /// <summary>What L0 counts, in words.</summary>
    public string L0Rule { get; init; } = "";

    /// <summary>Fraction of the kappa latents in use (L0 rule) on no evaluated sample.</summary>
    public double DeadFraction { get; init; }

    /// <summary>Fraction of the kappa latents in use (L0 rule) on more than 10% of the evaluated samples.</summary>
    public double DenseFraction { get; init; }

    /// <summary>Latent dimension kappa.</summary>
    public int Latent { get; init; }

    /// <summary>The activity score the rule was applied to.</summary>
    public string ActivityRule { get; init; } = "";
}
