namespace VAEase.Evaluation;

/// <summary>Table 5 (appendix C): mean symmetric-difference distance |A ∪ B| - |A ∩ B| between the active sets
/// of sample pairs, within and across classes. Serialised as snake_case JSON.</summary>
public sealed record ClassAlignmentResult
{
    /// <summary>The rule that made the active sets.</summary>
    public ActiveRule Rule { get; init; }

    /// <summary>The sigma level of the fixed-sigma rule, else null.</summary>
    public double? SigmaLevel { get; init; }

    /// <summary>Number of samples.</summary>
    public long Samples { get; init; }

    /// <summary>Latent dimension kappa.</summary>
    public int Latent { get; init; }

    /// <summary>Mean active-set size over the samples.</summary>
    public double MeanActiveDims { get; init; }

    /// <summary>Mean distance over all unordered within-class pairs; null when no class has two samples.</summary>
    public double? Intra { get; init; }

    /// <summary>Mean distance over all unordered cross-class pairs; null when there is one class.</summary>
    public double? Inter { get; init; }

    /// <summary>Number of unordered within-class pairs.</summary>
    public long IntraPairs { get; init; }

    /// <summary>Number of unordered cross-class pairs.</summary>
    public long InterPairs { get; init; }

    /// <summary>Per class: mean distance over its within-class pairs (null for a class of one sample).</summary>
    public SortedDictionary<long, double?> IntraPerClass { get; init; } = [];

    /// <summary>Per class: number of samples.</summary>
    public SortedDictionary<long, long> ClassSizes { get; init; } = [];
}
