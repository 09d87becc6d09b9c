using VAEase.Data;
using VAEase.Models;
using VAEase.Tests.Plotting;
using VAEase.Training;

namespace VAEase.Tests.Training;

/// <summary>Several runs stepped on one pass over their shared batches (<see cref="Trainer.TrainTogether"/>).</summary>
public sealed class SharedPassTests : IDisposable
{
    const string Spec = "linear:d=8,dims=2+2,n=5000,seed=2"; // 10 steps per epoch at batch 512

    /// <summary>Three SAEs of different kinds and one VAEase (reopening, anchored gamma, noise) that draw the same batches;
    /// the JumpReLU trains one epoch less, so it stops while the others go on.</summary>
    static readonly RunConfig[] Runs = Planned();

    readonly Dataset data = DataSpec.Load(Spec);
    readonly TempFolder folder = new();

    public void Dispose()
    {
        data.Dispose();
        folder.Dispose();
    }

    static RunConfig[] Planned()
    {
        RunConfig l1 = TrainingFixture.Run(ModelKind.SaeL1, Spec, epochs: 4);
        return
        [
            TrainingFixture.Run(ModelKind.SaeTopK, Spec, epochs: 4),
            l1 with { Model = l1.Model with { L1 = 0.01 } },
            TrainingFixture.Run(ModelKind.SaeJumpRelu, Spec, epochs: 3),
            TrainingFixture.Run(ModelKind.VAEase, Spec, epochs: 4),
        ];
    }

    /// <summary>A folder per run, below <paramref name="side"/>.</summary>
    string[] Dirs(string side) => [.. Runs.Select((_, i) => Path.Combine(folder.Path, side, $"run{i}"))];

    /// <summary>Trains <see cref="Runs"/> into <paramref name="dirs"/> on one pass; returns their epoch counts.</summary>
    int[] Together(string[] dirs, TrainOptions options)
    {
        IReadOnlyList<TrainResult> results = Trainer.TrainTogether([.. Runs.Zip(dirs)], new InMemoryBatches(data), options);
        foreach (TrainResult result in results) result.Model.Dispose();
        return [.. results.Select(r => r.History.Count)];
    }

    /// <summary>The same weights, byte for byte, and the same metrics per epoch but for the wall time.</summary>
    static void AssertSameRuns(string[] expected, string[] actual)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(expected[i], ModelStore.WeightsFile)), File.ReadAllBytes(Path.Combine(actual[i], ModelStore.WeightsFile)));
            Assert.Equal(Epochs(expected[i]), Epochs(actual[i]));
        }
    }

    static IEnumerable<EpochMetrics> Epochs(string dir) =>
        VAEase.IO.Json.Read<SavedEpochs>(Path.Combine(dir, Trainer.MetricsFile)).Epochs.Select(e => e with { Seconds = 0 });

    public sealed record SavedEpochs(List<EpochMetrics> Epochs);

    [Fact]
    public void Runs_trained_together_on_one_pass_end_bit_identical_to_each_trained_alone()
    {
        string[] alone = Dirs("alone"), together = Dirs("together");
        for (int i = 0; i < Runs.Length; i++)
            using (Trainer.Train(Runs[i], data, alone[i], new TrainOptions()).Model) { }

        Assert.Equal([4, 4, 3, 4], Together(together, new TrainOptions()));
        AssertSameRuns(alone, together);
    }

    [Fact]
    public void A_shared_pass_cancelled_mid_epoch_checkpoints_every_run_at_one_step_and_resumes_together()
    {
        string[] whole = Dirs("whole"), cut = Dirs("cut");
        Together(whole, new TrainOptions());
        using var cts = new CancellationTokenSource();
        var cancelAt15 = new Progress(p => { if (p.Step == 15) cts.Cancel(); });

        Assert.Throws<OperationCanceledException>(() => Together(cut, new TrainOptions { Progress = cancelAt15, Cancellation = cts.Token }));
        Assert.All(cut, dir => Assert.Equal(15, Checkpoint.ReadState(Checkpoint.Find(dir)!).Step));
        Together(cut, new TrainOptions { Resume = true });

        AssertSameRuns(whole, cut);
    }

    [Fact]
    public void Runs_that_would_draw_other_batches_are_refused()
    {
        RunConfig a = Runs[0], b = a with { Training = a.Training with { Seed = 2 } };
        string[] dirs = Dirs("runs");

        var e = Assert.Throws<VAEaseException>(() => Trainer.TrainTogether([(a, dirs[0]), (b, dirs[1])], new InMemoryBatches(data), new TrainOptions()));

        Assert.Contains("same seed, batch size and starting point", e.Message);
        Assert.Empty(folder.Entries()); // refused before anything was written
    }

    /// <summary>Calls back synchronously (System.Progress posts to the thread pool).</summary>
    sealed class Progress(Action<TrainProgress> report) : IProgress<TrainProgress>
    {
        public void Report(TrainProgress value) => report(value);
    }
}
