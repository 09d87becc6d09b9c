using System.Text.Json;
using VAEase.Tests.Training;

namespace VAEase.Tests.Cli;

public sealed class PlotTrainingCliTests
{
    [Fact]
    public void Plot_training_draws_log_gamma_of_the_vae_family_leaves_out_an_sae_and_refuses_a_metric_no_run_has()
    {
        string root = TrainingFixture.TempDir();
        try
        {
            const string data = "linear:d=8,dims=2+3,n=2000,seed=3";
            CliProcess.TrainSmall(root, data, "vaease", "sae-l1");
            string runs = $"{Path.Combine(root, "vaease")},{Path.Combine(root, "sae-l1")}";
            string png = Path.Combine(root, "gamma.png"), json = Path.Combine(root, "gamma.json");

            var plot = CliProcess.Run("plot", "training", "--runs", runs, "--out", png, "--json", json);

            Assert.True(plot.ExitCode == 0, plot.Stderr);
            Assert.Contains("(vaease, finished): log-gamma", plot.Stdout);
            Assert.Contains("(sae-l1, finished): log-gamma n/a", plot.Stdout);
            Assert.True(VAEase.Tests.Plotting.Png.Decode(png).Width > 0);
            using var doc = JsonDocument.Parse(File.ReadAllText(json));
            JsonElement[] written = [.. doc.RootElement.GetProperty("runs").EnumerateArray()];
            Assert.Equal(2, written.Length);
            JsonElement[] epochs = [.. written[0].GetProperty("epochs").EnumerateArray()];
            Assert.Equal(3, epochs.Length);
            using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "vaease", "metrics.json")));
            Assert.Equal(metrics.RootElement.GetProperty("epochs")[2].GetProperty("log_gamma").GetDouble(), epochs[2].GetProperty("log_gamma").GetDouble());
            Assert.Equal(JsonValueKind.Null, written[1].GetProperty("epochs")[0].GetProperty("log_gamma").ValueKind);

            var none = CliProcess.Run("plot", "training", "--runs", Path.Combine(root, "sae-l1"), "--out", Path.Combine(root, "x.png"));
            Assert.Equal(2, none.ExitCode);
            Assert.Contains("none of the runs records log-gamma", none.Stderr);
            Assert.False(File.Exists(Path.Combine(root, "x.png")));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
