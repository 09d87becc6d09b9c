namespace VAEase.Evaluation;

/// <summary>The variance-split rule the paper uses to separate active from inactive dimensions
/// without a tuned threshold (Section 5.1, after Xia et al. 2015; spec §4): sort the values and
/// choose the split minimising n_lo var(lo) + n_hi var(hi), i.e. 1-D two-means.</summary>
public static class VarianceSplit
{
    /// <summary>The largest value of the lower group, or null when the values take fewer than two
    /// distinct values (no split exists). Equal values are never separated; among equally good
    /// splits the first (lowest threshold) wins.</summary>
    public static double? Threshold(ReadOnlySpan<double> values)
    {
        int n = values.Length;
        if (n < 2) return null;
        double[] sorted = values.ToArray();
        Array.Sort(sorted);
        if (sorted[0] == sorted[n - 1]) return null;

        double mean = 0;
        foreach (double v in sorted) mean += v / n;             // centring keeps the sums of squares accurate
        double total = 0, totalSq = 0;
        foreach (double v in sorted) { total += v - mean; totalSq += (v - mean) * (v - mean); }

        double bestCost = double.PositiveInfinity, sumLo = 0, sumSqLo = 0;
        int bestK = -1;
        for (int k = 1; k < n; k++)
        {
            double c = sorted[k - 1] - mean;
            sumLo += c;
            sumSqLo += c * c;
            if (sorted[k - 1] == sorted[k]) continue;
            double sumHi = total - sumLo, sumSqHi = totalSq - sumSqLo;
            double cost = (sumSqLo - sumLo * sumLo / k) + (sumSqHi - sumHi * sumHi / (n - k));
            if (cost < bestCost) { bestCost = cost; bestK = k; }
        }
        return sorted[bestK - 1];
    }

    /// <summary>Marks the active entries of one activity vector and returns how many there are. Scores
    /// are higher = more active; <paramref name="offLevel"/> is the score of a dimension that is exactly
    /// off (-inf for an SAE's z = 0, 0 for a VAE dimension at the prior's sigma = 1). Entries at -inf take
    /// no part in the split. The active set is the upper group of the split; with no split, the entries
    /// above the off level.</summary>
    public static int Active(ReadOnlySpan<double> activity, double offLevel, Span<bool> active)
    {
        Span<double> finite = activity.Length <= 1024 ? stackalloc double[activity.Length] : new double[activity.Length];
        int m = 0;
        foreach (double v in activity)
            if (!double.IsNegativeInfinity(v)) finite[m++] = v;
        double cut = Threshold(finite[..m]) ?? offLevel;
        int count = 0;
        for (int j = 0; j < activity.Length; j++)
        {
            active[j] = activity[j] > cut;
            if (active[j]) count++;
        }
        return count;
    }

    /// <summary>How many entries of one activity vector are active (see <see cref="Active"/>).</summary>
    public static int ActiveCount(ReadOnlySpan<double> activity, double offLevel)
    {
        Span<bool> active = activity.Length <= 1024 ? stackalloc bool[activity.Length] : new bool[activity.Length];
        return Active(activity, offLevel, active);
    }
}
