using VAEase.Data;
using VAEase.IO;
using VAEase.Models;
using VAEase.Tests.Plotting;
using VAEase.Training;

namespace VAEase.Tests.Training;

public sealed class TrainingHistoryTests
{
    static RunConfig Run() => TrainingFixture.Run(ModelKind.VAEase, "linear:d=6,dims=1+2,n=600,seed=2", epochs: 3);

    [Fact]
    public void A_finished_run_gives_the_epochs_its_training_returned()
    {
        using var folder = new TempFolder();
        using Dataset data = DataSpec.Load(Run().Data);
        TrainResult result = Trainer.Train(Run(), data, folder.Path, new TrainOptions());
        result.Model.Dispose();

        TrainingHistory history = TrainingHistory.Read(folder.Path);

        Assert.True(history.Finished);
        Assert.Equal(Run().Training.Epochs, history.Run.Training.Epochs);
        Assert.Equal(result.History, history.Epochs);
        Assert.All(history.Epochs, e => Assert.Equal(e.LogGamma, e.Value(TrainingMetric.LogGamma)));
        Assert.Equal([1, 2, 3], history.Epochs.Select(e => e.Epoch));
        // Each epoch records the rate of its own last step, not the next step's (after the last: the next cycle's peak).
        long steps = history.Epochs[^1].Step;
        Assert.All(history.Epochs, e => Assert.Equal(LearningRateSchedule.At(Run().Training, e.Step - 1, steps), e.LearningRate));
    }

    [Fact]
    public void An_unfinished_run_gives_the_epochs_of_its_latest_checkpoint()
    {
        using var folder = new TempFolder();
        Json.Write(folder.File(ModelStore.ConfigFile), Run());
        var epoch = new EpochMetrics(1, 2, 5.5, 1.25, null, 0.01, 0.2);
        Checkpoint.Save(folder.Path, new CheckpointState { Step = 3, Epoch = 1, Batch = 1, History = [epoch] }, _ => { });

        TrainingHistory history = TrainingHistory.Read(folder.Path);

        Assert.False(history.Finished);
        Assert.Equal([epoch], history.Epochs);
        Assert.Null(history.Epochs[0].Value(TrainingMetric.LogGamma));
        Assert.Equal(1.25, history.Epochs[0].Value(TrainingMetric.Error));
    }

    [Fact]
    public void A_folder_without_a_run_or_without_a_finished_epoch_is_refused_by_name()
    {
        using var folder = new TempFolder();
        Assert.Contains("not found", Assert.Throws<VAEaseException>(() => TrainingHistory.Read(folder.File("missing"))).Message);
        Assert.Contains("holds no training run", Assert.Throws<VAEaseException>(() => TrainingHistory.Read(folder.Path)).Message);
        Json.Write(folder.File(ModelStore.ConfigFile), Run());
        Assert.Contains("has not finished an epoch", Assert.Throws<VAEaseException>(() => TrainingHistory.Read(folder.Path)).Message);
    }
}
