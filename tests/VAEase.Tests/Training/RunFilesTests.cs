using VAEase.Data;
using VAEase.Models;
using VAEase.Training;

namespace VAEase.Tests.Training;

/// <summary>What a failed run leaves: nothing when it had no checkpoint (a disk that fills up, a crash), a resumable
/// folder when it had one; and a folder locked by another process is refused before anything in it is read or changed.</summary>
public sealed class RunFilesTests
{
    private const string Data = "linear:d=8,dims=2+2,n=2000,seed=2";

    private static RunConfig Run(int checkpointEvery) =>
        TrainingFixture.Run(ModelKind.VAEase, Data, epochs: 2, latent: 4) with
        {
            Training = TrainingFixture.Run(ModelKind.VAEase, Data, epochs: 2, latent: 4).Training with { CheckpointEvery = checkpointEvery },
        };

    [Fact]
    public void A_run_that_fails_before_its_first_checkpoint_leaves_no_folder_and_one_that_fails_after_stays_resumable()
    {
        using Dataset data = DataSpec.Load(Data);
        string lost = TrainingFixture.TempDir(), kept = TrainingFixture.TempDir();
        try
        {
            Assert.Throws<IOException>(() => Trainer.Train(Run(0), data, lost, new TrainOptions { Progress = new CheckpointTests.CrashAt(2) }));
            Assert.False(Directory.Exists(lost));

            Assert.Throws<IOException>(() => Trainer.Train(Run(3), data, kept, new TrainOptions { Progress = new CheckpointTests.CrashAt(5) }));
            Assert.Equal(RunFiles.State.Resumable, RunFiles.Autoencoder.Inspect(kept));
            Assert.Equal(["checkpoint", "config.json"], Directory.GetFileSystemEntries(kept).Select(Path.GetFileName).Order(StringComparer.Ordinal));
            using (Trainer.Train(Run(3), data, kept, new TrainOptions { Resume = true }).Model) { }
            Assert.Equal(RunFiles.State.Finished, RunFiles.Autoencoder.Inspect(kept));
        }
        finally
        {
            if (Directory.Exists(kept)) Directory.Delete(kept, recursive: true);
        }
    }

    [Fact]
    public void A_resume_into_a_folder_another_process_holds_is_refused_and_its_checkpoint_is_left_alone()
    {
        using Dataset data = DataSpec.Load(Data);
        string dir = TrainingFixture.TempDir();
        try
        {
            Assert.Throws<IOException>(() => Trainer.Train(Run(3), data, dir, new TrainOptions { Progress = new CheckpointTests.CrashAt(5) }));
            string state = Path.Combine(dir, "checkpoint", "state.json");
            DateTime written = File.GetLastWriteTimeUtc(state);
            using (new FileStream(Path.Combine(dir, RunLock.FileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
                Assert.Contains("is in use by another vaease process", Assert.Throws<VAEaseException>(() => Trainer.Train(Run(3), data, dir, new TrainOptions { Resume = true })).Message);
            Assert.Equal(written, File.GetLastWriteTimeUtc(state));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData(new string[0], RunFiles.State.Empty)]
    [InlineData(new[] { ".vaease.lock" }, RunFiles.State.Empty)]
    [InlineData(new[] { "config.json", "normalization.safetensors", ".model.safetensors.99.tmp" }, RunFiles.State.Failed)]
    [InlineData(new[] { "config.json", "checkpoint/state.json" }, RunFiles.State.Resumable)]
    [InlineData(new[] { "config.json", "model.safetensors", "metrics.json" }, RunFiles.State.Finished)]
    [InlineData(new[] { "config.json", "notes.txt" }, RunFiles.State.Foreign)]
    public void A_folder_is_empty_failed_resumable_finished_or_foreign_by_the_files_in_it(string[] files, RunFiles.State state)
    {
        string dir = TrainingFixture.TempDir();
        Directory.CreateDirectory(dir);
        try
        {
            foreach (string file in files)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(dir, file))!);
                File.WriteAllText(Path.Combine(dir, file), "{}");
            }
            Assert.Equal(state, RunFiles.Autoencoder.Inspect(dir));
            if (state == RunFiles.State.Failed)
            {
                Assert.True(RunFiles.Autoencoder.ClearForNewRun(dir));
                Assert.Empty(Directory.GetFileSystemEntries(dir));
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
