using VAEase.Tests.Training;

namespace VAEase.Tests.Cli;

public sealed class PlotMaskingCliTests
{
    [Fact]
    public void Plot_masking_of_two_trained_models_writes_the_figure_and_a_csv_with_one_column_per_model()
    {
        string root = TrainingFixture.TempDir();
        try
        {
            const string data = "linear:d=8,dims=2+3,n=2000,seed=3";
            CliProcess.TrainSmall(root, data, "vaease", "vae");
            string png = Path.Combine(root, "fig4.png");
            var run = CliProcess.Run("plot", "masking", "--models", $"{Path.Combine(root, "vaease")},{Path.Combine(root, "vae")}", "--data", data, "--out", png);
            Assert.True(run.ExitCode == 0, run.Stderr);
            Assert.Contains("vaease", run.Stdout);
            Assert.True(VAEase.Tests.Plotting.Png.Decode(png).Width > 0);
            string[] csv = File.ReadAllLines(Path.ChangeExtension(png, ".csv"));
            Assert.Equal("kept,vaease,vae", csv[0]);
            Assert.Equal(7, csv.Length);                                                  // kept = 1..6

            var wrong = CliProcess.Run("plot", "masking", "--models", Path.Combine(root, "vaease"), "--data", "linear:d=9,dims=2,n=500", "--out", Path.Combine(root, "x.png"));
            Assert.Equal(2, wrong.ExitCode);
            Assert.Contains("expects d = 8", wrong.Stderr);
            Assert.False(File.Exists(Path.Combine(root, "x.png")));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
