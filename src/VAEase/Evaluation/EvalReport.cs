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

    /// <summary>Fraction of variance unexplained: total squared error / total squared deviation from the data mean.</summary>
    public double Fvu { get; init; }

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

    /// <summary>Latent dimensions active in no sample.</summary>
    public int DeadLatents { get; init; }

    /// <summary>Latent dimension kappa.</summary>
    public int Latent { get; init; }

    /// <summary>The activity score the rule was applied to.</summary>
    public string ActivityRule { get; init; } = "";
}
