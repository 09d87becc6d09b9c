namespace VAEase.Tests.Cli;

/// <summary>`vaease gan` and `vaease score` refuse bad input with one line and exit code 2.</summary>
public sealed class GenerativeCliTests
{
    [Fact]
    public void Gan_sample_needs_something_to_write_and_a_trained_gan()
    {
        string dir = Directory.CreateTempSubdirectory("vaease-gan-").FullName;
        try
        {
            CliProcess.AssertUsageError(CliProcess.Run("gan", "sample", "--gan", dir), "nothing to write");
            CliProcess.AssertUsageError(CliProcess.Run("gan", "sample", "--gan", dir, "--out", Path.Combine(dir, "x.csv")), "--out must name a .npy file");
            CliProcess.AssertUsageError(CliProcess.Run("gan", "sample", "--gan", dir, "--out", Path.Combine(dir, "x.npy")), "holds no trained GAN");
            Assert.False(File.Exists(Path.Combine(dir, "x.npy")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Training_into_a_folder_that_holds_something_else_is_refused_and_resume_needs_a_run()
    {
        string dir = Directory.CreateTempSubdirectory("vaease-score-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "notes.txt"), "mine");
            CliProcess.AssertUsageError(CliProcess.Run("score", "train", "--data", "linear:d=8,dims=2+3,n=500", "--out", dir), "is not empty");
            CliProcess.AssertUsageError(CliProcess.Run("gan", "train", "--out", dir), "is not empty");
            CliProcess.AssertUsageError(CliProcess.Run("score", "train", "--data", "linear:d=8,dims=2+3,n=500", "--out", dir, "--resume"), "nothing to resume");
            Assert.Equal(["notes.txt"], Directory.GetFiles(dir).Select(Path.GetFileName));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
