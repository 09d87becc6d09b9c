using static VAEase.Tests.TensorAssert;
using VAEase.Data;
using VAEase.IO;
using VAEase.Models;
using VAEase.Training;

namespace VAEase.Tests.Training;

public sealed class StreamedTrainingTests
{
    [Fact]
    public void A_streamed_run_killed_mid_epoch_and_resumed_ends_with_the_same_weights_and_normalisation()
    {
        string data = Path.Combine(Path.GetTempPath(), $"vaease-stream-{Guid.NewGuid():N}.npy");
        SyntheticUnion.WriteLinearUnion(data, 8, [2, 2], 5000, seed: 2);
        RunConfig run = TrainingFixture.Run(ModelKind.VAEase, $"npy:{data}", epochs: 2) with
        {
            Stream = new StreamConfig { BlockRows = 100, ShuffleBuffer = 1000, EvalRows = 300 },
            Normalize = NormalizeMode.CenterScale,
        };
        run = run with { Training = run.Training with { CheckpointEvery = 4 } }; // 9 steps per epoch of 4500 rows
        string whole = TrainingFixture.TempDir(), interrupted = TrainingFixture.TempDir();
        try
        {
            Train(run, whole, null, resume: false);
            Assert.Throws<IOException>(() => Train(run, interrupted, new CheckpointTests.CrashAt(15), resume: false)); // checkpoint at step 12, mid-epoch 2
            Train(run, interrupted, null, resume: true);

            foreach (string file in new[] { ModelStore.WeightsFile, Normalization.File })
            {
                var expected = SafeTensors.Read(Path.Combine(whole, file));
                var actual = SafeTensors.Read(Path.Combine(interrupted, file));
                foreach (var (name, tensor) in expected)
                    Assert.True(Same(tensor, actual[name]), $"{file}: {name} differs after resume");
            }
        }
        finally
        {
            Directory.Delete(whole, recursive: true);
            Directory.Delete(interrupted, recursive: true);
            File.Delete(data);
        }
    }

    private static void Train(RunConfig run, string outDir, IProgress<TrainProgress>? progress, bool resume)
    {
        using RunData data = RunData.Open(run, outDir);
        Assert.Equal(4500, data.Train.Count);
        Assert.Equal(300, data.TestCount);
        using var model = Trainer.Train(run, data.Train, outDir, new TrainOptions { Progress = progress, Resume = resume }).Model;
        Assert.Equal(300, data.Test().Count);
    }
}
