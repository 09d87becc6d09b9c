using TorchSharp;
using VAEase.Data;
using VAEase.Models;
using static TorchSharp.torch;

namespace VAEase.Evaluation;

/// <summary>Table 5 (appendix C): how well per-sample active sets align with class labels. The distance
/// |A ∪ B| - |A ∩ B| is the Hamming distance of the two flag vectors, so its sum over any set of pairs splits
/// into per-dimension counts: among m samples of which a_j have dimension j active, a_j (m - a_j) pairs differ
/// on j. Intra sums this within each class, inter is all pairs minus within; exact, in O(n kappa).</summary>
public static class ClassAlignment
{
    /// <summary>Intra- and inter-class mean distances of the active sets under integer labels [n].</summary>
    public static ClassAlignmentResult Measure(ActiveSets sets, long[] labels)
    {
        if (labels.LongLength != sets.Count)
            throw new ArgumentException($"{labels.LongLength} labels for {sets.Count} samples", nameof(labels));
        int kappa = sets.Latent;
        long n = sets.Count;
        var perClass = new Dictionary<long, (long Size, long[] Counts)>();
        var allCounts = new long[kappa];                    // A_j: samples with dimension j active
        long activeTotal = 0;
        for (long i = 0; i < n; i++)
        {
            if (!perClass.TryGetValue(labels[i], out var group)) group = (0, new long[kappa]);
            for (int j = 0; j < kappa; j++)
            {
                if (!sets.Active[i * kappa + j]) continue;
                group.Counts[j]++;
                allCounts[j]++;
                activeTotal++;
            }
            perClass[labels[i]] = (group.Size + 1, group.Counts);
        }

        long withinSum = 0, withinPairs = 0;
        var intraPerClass = new SortedDictionary<long, double?>();
        foreach (var (label, (m, counts)) in perClass)
        {
            long sum = DifferingPairs(counts, m), pairs = Pairs(m);
            withinSum += sum;
            withinPairs += pairs;
            intraPerClass[label] = pairs > 0 ? (double)sum / pairs : null;
        }
        long crossSum = DifferingPairs(allCounts, n) - withinSum, crossPairs = Pairs(n) - withinPairs;
        return new ClassAlignmentResult
        {
            Rule = sets.Rule,
            SigmaLevel = sets.SigmaLevel,
            Samples = n,
            Latent = kappa,
            MeanActiveDims = n > 0 ? (double)activeTotal / n : double.NaN,
            Intra = withinPairs > 0 ? (double)withinSum / withinPairs : null,
            Inter = crossPairs > 0 ? (double)crossSum / crossPairs : null,
            IntraPairs = withinPairs,
            InterPairs = crossPairs,
            IntraPerClass = intraPerClass,
            ClassSizes = new(perClass.ToDictionary(g => g.Key, g => g.Value.Size)),
        };
    }

    /// <summary>Table 5 for a model on labelled data under both rules: the variance split, and the authors'
    /// fixed sigma &lt; 0.05 (VAE family) or the nonzero entries (SAEs). Encodes once, in batches.</summary>
    public static IReadOnlyList<ClassAlignmentResult> Evaluate(SparseAutoencoder model, Dataset data, int? batchSize = null, Device? device = null)
    {
        if (data.Labels is null) throw new VAEaseException($"{data.Name}: class alignment needs labels");
        return Evaluate(EncodedSet.Of(model, data, batchSize, device), data);
    }

    /// <summary>The same from the codes of <paramref name="data"/>, already encoded (shared with other measures).</summary>
    public static IReadOnlyList<ClassAlignmentResult> Evaluate(EncodedSet encoded, Dataset data)
    {
        long[] labels = data.Labels ?? throw new VAEaseException($"{data.Name}: class alignment needs labels");
        ActiveRule fixedRule = encoded.Kind == ActivityKind.NegLogVariance ? ActiveRule.FixedSigma : ActiveRule.Nonzero;
        return [Measure(ActiveSets.From(encoded, ActiveRule.VarianceSplit), labels), Measure(ActiveSets.From(encoded, fixedRule), labels)];
    }

    /// <summary>Sum over dimensions of the number of pairs among m samples that differ on it: sum_j a_j (m - a_j).</summary>
    private static long DifferingPairs(long[] counts, long m)
    {
        long sum = 0;
        foreach (long a in counts) sum = checked(sum + a * (m - a));
        return sum;
    }

    private static long Pairs(long m) => checked(m * (m - 1) / 2);
}
