using VAEase.Evaluation;

namespace VAEase.Tests.Evaluation;

public sealed class VarianceSplitTests
{
    [Fact]
    public void Two_clear_clusters_split_between_them()
    {
        Assert.Equal(0.2, VarianceSplit.Threshold([5.0, 0.1, 5.2, 0.2, 0.15]));
    }

    [Fact]
    public void Tied_values_stay_in_one_group()
    {
        Assert.Equal(0.0, VarianceSplit.Threshold([1, 0, 0, 1, 0, 0]));
        Assert.Equal(-7.0, VarianceSplit.Threshold([-7, -7, -7, 0, 0, 0, 0, 0, 0, 0]));
    }

    [Fact]
    public void A_constant_or_single_vector_has_no_split()
    {
        Assert.Null(VarianceSplit.Threshold([3, 3, 3]));
        Assert.Null(VarianceSplit.Threshold([1]));
        Assert.Null(VarianceSplit.Threshold([]));
    }

    [Fact]
    public void The_fast_split_equals_a_brute_force_two_means()
    {
        var random = new Random(11);
        for (int trial = 0; trial < 200; trial++)
        {
            double[] values = Enumerable.Range(0, random.Next(2, 40)).Select(_ => Math.Round(random.NextDouble() * 10, random.Next(0, 3))).ToArray();
            Assert.Equal(BruteForce(values), VarianceSplit.Threshold(values));
        }
    }

    [Fact]
    public void Active_counts_the_upper_group_and_ignores_exact_zeros()
    {
        double ninf = double.NegativeInfinity;
        Assert.Equal(3, VarianceSplit.ActiveCount([8, 9, 10, 0.1, 0.2, 0, 0], offLevel: 0));
        Assert.Equal(2, VarianceSplit.ActiveCount([ninf, 1.0, ninf, 1.1, -6, ninf], offLevel: ninf));
        Assert.Equal(1, VarianceSplit.ActiveCount([ninf, 0.5, ninf], offLevel: ninf));
        Assert.Equal(0, VarianceSplit.ActiveCount([ninf, ninf], offLevel: ninf));
    }

    [Fact]
    public void Without_a_split_only_entries_above_the_off_level_are_active()
    {
        Assert.Equal(0, VarianceSplit.ActiveCount([0, 0, 0, 0], offLevel: 0));   // every sigma = 1: nothing active
        Assert.Equal(4, VarianceSplit.ActiveCount([9, 9, 9, 9], offLevel: 0));   // every sigma tiny: all active
    }

    static double? BruteForce(double[] values)
    {
        double[] s = values.OrderBy(v => v).ToArray();
        double best = double.PositiveInfinity;
        double? threshold = null;
        for (int k = 1; k < s.Length; k++)
        {
            if (s[k - 1] == s[k]) continue;
            double cost = Ss(s[..k]) + Ss(s[k..]);
            if (cost < best - 1e-9) { best = cost; threshold = s[k - 1]; }
        }
        return threshold;
    }

    static double Ss(double[] g) { double m = g.Average(); return g.Sum(v => (v - m) * (v - m)); }
}
