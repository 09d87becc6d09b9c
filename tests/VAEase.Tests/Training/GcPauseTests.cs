using VAEase.Models;
using VAEase.Training;

namespace VAEase.Tests.Training;

/// <summary>Alone: other tests allocating in parallel would spend the pause's budget.</summary>
[CollectionDefinition(nameof(GcPauseTests), DisableParallelization = true)]
public class GcPauseCollection;

[Collection(nameof(GcPauseTests))]
public class GcPauseTests
{
    [Fact]
    public void Inside_the_pause_another_thread_allocating_below_the_budget_starts_no_collection()
    {
        GcPause.Ensure();
        try
        {
            Assert.True(GcPause.Active);
            int before = GC.CollectionCount(0);
            // 12 MiB of small, short-lived objects: outside a pause, several gen-0 collections.
            var other = new Thread(() =>
            {
                for (int i = 0; i < 12 * 1024; i++) GC.KeepAlive(new byte[1000]);
            });
            other.Start();
            other.Join();
            Assert.Equal(before, GC.CollectionCount(0));
            GcPause.Ensure(); // a second call keeps the running region
            Assert.True(GcPause.Active);
        }
        finally
        {
            GcPause.Release();
        }
        Assert.False(GcPause.Active);
        GcPause.Release(); // releasing twice is harmless
    }

    [Fact]
    public void Training_pauses_the_collector_per_step_and_releases_it_at_the_end()
    {
        var run = TrainingFixture.Run(ModelKind.VAEase, "linear:d=6,dims=1+2,n=2000,seed=2", epochs: 2);
        var (result, _) = TrainingFixture.TrainAndEvaluate(run with { Training = run.Training with { BatchSize = 64 } },
            new TrainOptions { Progress = new Progress(() => Assert.True(GcPause.Active)) });
        using var model = result.Model;
        Assert.False(GcPause.Active);
    }

    sealed class Progress(Action check) : IProgress<TrainProgress>
    {
        public void Report(TrainProgress value) => check();
    }
}
