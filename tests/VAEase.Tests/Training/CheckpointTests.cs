using VAEase.Data;
using VAEase.IO;
using VAEase.Models;
using VAEase.Training;
using static TorchSharp.torch;

namespace VAEase.Tests.Training;

public sealed class CheckpointTests
{
    internal sealed class CrashAt(long step) : IProgress<TrainProgress>
    {
        public void Report(TrainProgress value)
        {
            if (value.Step == step) throw new IOException("simulated crash");
        }
    }

    [Theory]
    [InlineData(ModelKind.VAEase, 23)] // resumes from the mid-epoch checkpoint of step 21
    [InlineData(ModelKind.SaeL1, 21)]  // crashes before step 21's checkpoint: resumes from the epoch end at step 20
    [InlineData(ModelKind.SaeBatchTopK, 23)] // the running threshold (a buffer) must come back with the weights
    [InlineData(ModelKind.SaeJumpRelu, 23)]
    public void A_run_killed_and_resumed_ends_with_the_same_weights_as_an_uninterrupted_run(ModelKind kind, long crashStep)
    {
        RunConfig run = TrainingFixture.Run(kind, "linear:d=8,dims=2+2,n=5000,seed=2", epochs: 4);
        run = run with { Training = run.Training with { CheckpointEvery = 7 } }; // 10 steps per epoch
        using Dataset data = DataSpec.Load(run.Data);
        string whole = TrainingFixture.TempDir(), interrupted = TrainingFixture.TempDir();
        try
        {
            using (Trainer.Train(run, data, whole, new TrainOptions()).Model) { }
            Assert.Throws<IOException>(() => Trainer.Train(run, data, interrupted, new TrainOptions { Progress = new CrashAt(crashStep) }));
            Assert.False(File.Exists(Path.Combine(interrupted, ModelStore.WeightsFile)));
            Assert.NotNull(Checkpoint.Find(interrupted));
            using (Trainer.Train(run, data, interrupted, new TrainOptions { Resume = true }).Model) { }

            var expected = SafeTensors.Read(Path.Combine(whole, ModelStore.WeightsFile));
            var actual = SafeTensors.Read(Path.Combine(interrupted, ModelStore.WeightsFile));
            Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
            foreach (var (name, tensor) in expected)
                Assert.True(tensor.eq(actual[name]).all().item<bool>(), $"{name} differs after resume");
            Assert.Null(Checkpoint.Find(interrupted));
        }
        finally
        {
            Directory.Delete(whole, recursive: true);
            Directory.Delete(interrupted, recursive: true);
        }
    }

    [Fact]
    public void A_run_that_reopens_latents_resumes_bit_for_bit()
    {
        // A learned gamma started at the all-noise level leaves most latents dead early, and reopening brings them back.
        RunConfig run = TrainingFixture.Run(ModelKind.VAEase, "linear:d=12,dims=2+3,n=10000,seed=3", epochs: 40, latent: 20);
        run = run with
        {
            Model = run.Model with { Gamma = GammaMode.Learned, LogGammaInit = 0 },
            Training = run.Training with { CheckpointEvery = 50, ReopenEvery = 100 }, // 18 steps per epoch
        };
        using Dataset data = DataSpec.Load(run.Data);
        string whole = TrainingFixture.TempDir(), interrupted = TrainingFixture.TempDir();
        Directory.CreateDirectory(interrupted);
        try
        {
            TrainResult full = Trainer.Train(run, data, whole, new TrainOptions());
            using (full.Model) Assert.Contains(full.History, e => e.Reopened > 0);
            Assert.Throws<IOException>(() => Trainer.Train(run, data, interrupted, new TrainOptions { Progress = new CrashAt(530) }));
            TrainResult resumed = Trainer.Train(run, data, interrupted, new TrainOptions { Resume = true });
            using (resumed.Model) Assert.Equal(full.History.Select(e => (e.Reopened, e.DeadLatents, e.ActiveDims)), resumed.History.Select(e => (e.Reopened, e.DeadLatents, e.ActiveDims)));
            var expected = SafeTensors.Read(Path.Combine(whole, ModelStore.WeightsFile));
            var actual = SafeTensors.Read(Path.Combine(interrupted, ModelStore.WeightsFile));
            foreach (var (name, tensor) in expected)
                Assert.True(tensor.eq(actual[name]).all().item<bool>(), $"{name} differs after resume");
        }
        finally
        {
            Directory.Delete(whole, recursive: true);
            Directory.Delete(interrupted, recursive: true);
        }
    }

    [Fact]
    public void A_cancelled_run_leaves_a_checkpoint_that_resumes()
    {
        RunConfig run = TrainingFixture.Run(ModelKind.Vae, "linear:d=8,dims=2+2,n=5000,seed=2", epochs: 2);
        using Dataset data = DataSpec.Load(run.Data);
        string dir = TrainingFixture.TempDir();
        try
        {
            using var cts = new CancellationTokenSource();
            var cancelAt5 = new Progress(p => { if (p.Step == 5) cts.Cancel(); });
            Assert.Throws<OperationCanceledException>(() => Trainer.Train(run, data, dir, new TrainOptions { Progress = cancelAt5, Cancellation = cts.Token }));
            var state = Json.Read<CheckpointState>(Path.Combine(Checkpoint.Find(dir)!, "state.json"));
            Assert.Equal(5, state.Step);
            TrainResult resumed = Trainer.Train(run, data, dir, new TrainOptions { Resume = true });
            using var model = resumed.Model;
            Assert.Equal(2, resumed.History.Count);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    sealed class Progress(Action<TrainProgress> action) : IProgress<TrainProgress>
    {
        public void Report(TrainProgress value) => action(value);
    }
}
