using VAEase.Evaluation;
using VAEase.Models;

namespace VAEase.Tests.Evaluation;

public sealed class ActiveSetsTests
{
    static EncodedSet Encoded(float[] activity, int latent, ActivityKind kind) => new(new float[activity.Length], activity, latent, kind);

    [Fact]
    public void The_fixed_rule_marks_sigma_below_five_hundredths()
    {
        // -log sigma^2 = 6.0 -> sigma = e^-3 = 0.0498 (active); 5.9 -> sigma = 0.0523 (inactive); 0 -> sigma = 1.
        float[] activity = [6.0f, 5.9f, 0f, 12f];
        Assert.True(Math.Exp(-3.0) < 0.05 && Math.Exp(-2.95) > 0.05);
        var sets = ActiveSets.From(Encoded(activity, 2, ActivityKind.NegLogVariance), ActiveRule.FixedSigma);
        Assert.Equal([true, false, false, true], sets.Active);
        Assert.Equal(0.05, sets.SigmaLevel);
        Assert.Equal([1, 1], sets.Sizes());
    }

    [Fact]
    public void The_nonzero_rule_marks_every_entry_that_is_not_exactly_zero()
    {
        float ninf = float.NegativeInfinity;
        var sets = ActiveSets.From(Encoded([ninf, -9f, 2f, ninf], 4, ActivityKind.LogMagnitude), ActiveRule.Nonzero);
        Assert.Equal([false, true, true, false], sets.Active);
        Assert.Null(sets.SigmaLevel);
    }

    [Fact]
    public void The_variance_split_rule_is_applied_per_sample_with_the_family_off_level()
    {
        float[] vae = [8f, 9f, 0.1f, 0f, 0f, 0f, 0f, 0f];
        Assert.Equal([true, true, false, false, false, false, false, false],
            ActiveSets.From(Encoded(vae, 4, ActivityKind.NegLogVariance), ActiveRule.VarianceSplit).Active);
        float ninf = float.NegativeInfinity;
        float[] sae = [ninf, 1.0f, 1.1f, -6f, ninf, 0.5f, ninf, ninf];
        Assert.Equal([false, true, true, false, false, true, false, false],
            ActiveSets.From(Encoded(sae, 4, ActivityKind.LogMagnitude), ActiveRule.VarianceSplit).Active);
    }

    [Fact]
    public void A_rule_that_does_not_fit_the_family_is_refused()
    {
        Assert.Throws<ArgumentException>(() => ActiveSets.From(Encoded([1f], 1, ActivityKind.LogMagnitude), ActiveRule.FixedSigma));
        Assert.Throws<ArgumentException>(() => ActiveSets.From(Encoded([1f], 1, ActivityKind.NegLogVariance), ActiveRule.Nonzero));
    }
}
