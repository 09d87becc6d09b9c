using VAEase.Training;

namespace VAEase.Tests.Training;

public sealed class LearningRateScheduleTests
{
    [Theory]
    [InlineData(0, 1.0)]       // start of cycle 1 (length 10)
    [InlineData(5, 0.5)]       // its middle
    [InlineData(10, 1.0)]      // restart: cycle 2 has length 20
    [InlineData(20, 0.5)]      // middle of cycle 2
    [InlineData(30, 1.0)]      // restart: cycle 3 has length 40
    [InlineData(50, 0.5)]
    [InlineData(69, 0.0015413)]
    public void Cosine_warm_restarts_match_pytorch_with_t_mult_two(long step, double expected)
    {
        Assert.Equal(expected, LearningRateSchedule.CosineWarmRestarts(step, 1.0, 10, 2, 0.0), 5);
    }

    [Fact]
    public void The_minimum_learning_rate_is_the_floor_of_every_cycle()
    {
        for (long step = 0; step < 500; step++)
        {
            double lr = LearningRateSchedule.CosineWarmRestarts(step, 0.01, 10, 2, 1e-6);
            Assert.InRange(lr, 1e-6, 0.01);
        }
        Assert.Equal(1.0, LearningRateSchedule.CosineWarmRestarts(7, 1.0, 7, 1, 0.3), 6); // T_mult 1: a restart every 7 steps
    }

    [Theory]
    [InlineData(10, 2, 66000, 66000.0 / 8191)] // the recipe's run: 13 cycles, T_0 8.06
    [InlineData(10, 2, 70, 10.0)]             // 10 + 20 + 40 = 70 already fits
    [InlineData(10, 1, 95, 9.5)]              // T_mult 1: 10 cycles of 9.5
    [InlineData(10, 2, 7, 7.0)]               // a run shorter than T_0: one cycle
    public void Aligned_restarts_end_the_last_cycle_with_the_run(int t0, int tMult, long total, double expected)
    {
        double aligned = LearningRateSchedule.AlignedPeriod(t0, tMult, total);
        Assert.Equal(expected, aligned, 9);
        Assert.InRange(aligned, Math.Min(t0, total) / 2.0, t0);
        // the last step sits at the bottom of a cycle and the one after it would restart
        double last = LearningRateSchedule.CosineWarmRestarts(total - 1, 1.0, aligned, tMult, 0);
        Assert.True(last < LearningRateSchedule.CosineWarmRestarts(total - 2, 1.0, aligned, tMult, 0) && last < 0.06, $"last lr {last}");
        Assert.Equal(1.0, LearningRateSchedule.CosineWarmRestarts(total, 1.0, aligned, tMult, 0), 6);
    }
}
