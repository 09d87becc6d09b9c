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

    /// <summary>Rewrites the checkpoint's state through <paramref name="change"/> and seals it again (file checksums and its own),
    /// as a careful forger would: what is left to refuse it is the check of the position against the run.</summary>
    static void Reseal(string checkpointDir, Func<CheckpointState, CheckpointState> change) =>
        Checkpoint.WriteState(checkpointDir, change(Checkpoint.ReadState(checkpointDir)));

    [Theory]
    [InlineData("step", "step -5 is not where epoch 1 batch 2 stands (step 6 with 4 batches per epoch)")]
    [InlineData("epoch", "epoch 999 is outside the run's epochs 0..2")]
    [InlineData("batch", "batch 4 is outside an epoch of 4 batches")]
    [InlineData("history", "the history has 0 epochs, but the run is in epoch 1")]
    [InlineData("history step", "history entry 1 records epoch 1 ending at step 3, not epoch 1 at step 4")]
    [InlineData("noise", "its noise_state is not base64")]
    [InlineData("short noise", "its noise_state has 3 bytes, the noise generator's state 5056")]
    [InlineData("seconds", "the epoch's time -1 s is not a duration")]
    [InlineData("unsealed", "its checksum does not match its content (edited or damaged)")]
    [InlineData("no checksum", "it has no checksum (an edited file, or one written by an older vaease)")]
    [InlineData("weights", "model.safetensors does not match its checksum (edited or damaged)")]
    [InlineData("optimizer steps", "the optimizer has taken 7 steps, the state says 6")]
    public void A_resealed_or_edited_checkpoint_that_cannot_be_where_it_says_is_refused(string change, string expected)
    {
        RunConfig run = TrainingFixture.Run(ModelKind.VAEase, "linear:d=8,dims=2+2,n=2000,seed=2", epochs: 3);
        run = run with { Training = run.Training with { CheckpointEvery = 3 } }; // 4 steps per epoch: the checkpoint of step 6 is epoch 1, batch 2
        using Dataset data = DataSpec.Load(run.Data);
        string dir = TrainingFixture.TempDir();
        try
        {
            Assert.Throws<IOException>(() => Trainer.Train(run, data, dir, new TrainOptions { Progress = new CrashAt(7) }));
            string checkpoint = Checkpoint.Find(dir)!, state = Path.Combine(checkpoint, "state.json");
            switch (change)
            {
                case "step": Reseal(checkpoint, s => s with { Step = -5 }); break;
                case "epoch": Reseal(checkpoint, s => s with { Epoch = 999 }); break;
                case "batch": Reseal(checkpoint, s => s with { Batch = 4, Step = 8 }); break;
                case "history": Reseal(checkpoint, s => s with { History = [] }); break;
                case "history step": Reseal(checkpoint, s => s with { History = [s.History[0] with { Step = 3 }] }); break;
                case "noise": Reseal(checkpoint, s => s with { NoiseState = "not base64!" }); break;
                case "short noise": Reseal(checkpoint, s => s with { NoiseState = "AAAA" }); break;
                case "seconds": Reseal(checkpoint, s => s with { EpochSeconds = -1 }); break;
                case "unsealed": File.WriteAllText(state, File.ReadAllText(state).Replace("\"step\": 6", "\"step\": 5")); break;
                case "no checksum": File.WriteAllText(state, Json.Serialize(Checkpoint.ReadState(checkpoint) with { Checksum = "" })); break;
                case "weights": File.WriteAllBytes(Path.Combine(checkpoint, ModelStore.WeightsFile), Flip(File.ReadAllBytes(Path.Combine(checkpoint, ModelStore.WeightsFile)))); break;
                case "optimizer steps":
                    string optimizer = Path.Combine(checkpoint, "optimizer.safetensors");
                    var saved = SafeTensors.Read(optimizer);
                    saved["step"] = tensor(7L);
                    SafeTensors.Write(optimizer, saved);
                    Reseal(checkpoint, s => s);
                    break;
            }
            var e = Assert.Throws<VAEaseException>(() => Trainer.Train(run, data, dir, new TrainOptions { Resume = true }));
            Assert.Equal($"{state}: {expected}; refusing to resume from this checkpoint", e.Message);
            Assert.False(File.Exists(Path.Combine(dir, ModelStore.WeightsFile)));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>The bytes with the last one changed: a weight of the last tensor, still a well-formed file.</summary>
    static byte[] Flip(byte[] bytes)
    {
        bytes[^1] ^= 0x40;
        return bytes;
    }

    sealed class Progress(Action<TrainProgress> action) : IProgress<TrainProgress>
    {
        public void Report(TrainProgress value) => action(value);
    }
}
