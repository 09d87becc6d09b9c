using VAEase.Training;

namespace VAEase.Tests.Training;

public sealed class SettleRuleTests
{
    /// <summary>Epochs of 1000 steps (a window of 3 epochs): active dims, dead latents, reopened and log gamma per epoch.</summary>
    private static List<EpochMetrics> History(params (double Active, int Dead, int Reopened, double LogGamma)[] epochs) =>
        [.. epochs.Select((e, i) => new EpochMetrics(i + 1, (i + 1) * 1000L, 0, 0, e.LogGamma, 0.01, 1, e.Active, e.Dead, e.Reopened))];

    [Fact]
    public void A_run_whose_latents_and_gamma_held_for_the_window_cools_down_for_a_quarter_of_its_epochs()
    {
        var history = History((6.0, 0, 0, -1), (4.0, 2, 2, -2), (3.3, 2, 0, -3), (3.31, 3, 0, -3.4), (3.3, 3, 0, -3.9), (3.32, 3, 0, -3.5));
        Assert.Equal(new SettlePlan(null, 100, "not settled yet"), SettleRule.Plan(history.Take(5).ToList(), cap: 100, batchesPerEpoch: 1000));
        SettlePlan plan = SettleRule.Plan(history, cap: 100, batchesPerEpoch: 1000);
        Assert.Equal(6, plan.CooldownStart);       // epochs 4-6 steady: 3.30-3.32 dims, 3 dead, none reopened, log gamma within 1
        Assert.Equal(8, plan.End);                 // + ceil(6 / 4) = 2 epochs
        Assert.Equal("settled after epoch 6", plan.Reason);
        history.Add(new EpochMetrics(7, 7000, 0, 0, -9, 0.005, 1, 1.0, 9, 0)); // what the cool-down does cannot move the decision
        Assert.Equal(plan, SettleRule.Plan(history, cap: 100, batchesPerEpoch: 1000));
    }

    [Theory]
    [InlineData(3.5, 3, 0, -3.2)]   // active dims moved by 6%
    [InlineData(3.3, 4, 0, -3.2)]   // a latent died
    [InlineData(3.3, 3, 1, -3.2)]   // a latent was reopened
    [InlineData(3.3, 3, 0, -4.5)]   // gamma fell by more than a factor e
    public void Any_change_in_the_window_keeps_the_rate_at_its_peak(double active, int dead, int reopened, double logGamma)
    {
        var history = History((3.3, 3, 0, -3.6), (3.3, 3, 0, -3.4), (active, dead, reopened, logGamma));
        Assert.Null(SettleRule.Plan(history, cap: 100, batchesPerEpoch: 1000).CooldownStart);
    }

    [Fact]
    public void A_run_that_never_settles_cools_down_over_the_last_fifth_of_the_cap()
    {
        var history = History([.. Enumerable.Range(0, 8).Select(i => (3.0 + i, 0, 1, -1.0 * i))]);
        SettlePlan plan = SettleRule.Plan(history, cap: 10, batchesPerEpoch: 1000);
        Assert.Equal(new SettlePlan(8, 10, "not settled by epoch 8: cooled down to the cap of 10 epochs"), plan);
        var config = new TrainConfig { LearningRate = 0.01, MinLearningRate = 0 };
        Assert.Equal(0.01, SettleRule.LearningRate(config, plan, epoch: 7, step: 7999, batchesPerEpoch: 1000));
        Assert.Equal(0.01, SettleRule.LearningRate(config, plan, epoch: 8, step: 8000, batchesPerEpoch: 1000));
        Assert.Equal(0.005, SettleRule.LearningRate(config, plan, epoch: 9, step: 9000, batchesPerEpoch: 1000), 12); // half-way: cos(pi/2)
        Assert.True(SettleRule.LearningRate(config, plan, epoch: 9, step: 9999, batchesPerEpoch: 1000) < 1e-7);
    }

    [Fact]
    public void The_window_is_at_least_2000_steps()
    {
        // 500 steps per epoch: 4 steady epochs are needed, 3 are not enough.
        var steady = History((3.3, 3, 0, -3), (3.3, 3, 0, -3), (3.3, 3, 0, -3), (3.3, 3, 0, -3));
        Assert.Null(SettleRule.Plan(steady.Take(3).ToList(), cap: 100, batchesPerEpoch: 500).CooldownStart);
        Assert.Equal(4, SettleRule.Plan(steady, cap: 100, batchesPerEpoch: 500).CooldownStart);
    }
}
