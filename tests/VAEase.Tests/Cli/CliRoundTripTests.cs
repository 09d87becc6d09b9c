using System.Text.Json;
using VAEase.Tests.Training;

namespace VAEase.Tests.Cli;

public sealed class CliRoundTripTests
{
    [Fact]
    public void Train_with_epochs_auto_says_why_it_stopped_and_records_it_with_the_per_epoch_latents()
    {
        string dir = TrainingFixture.TempDir();
        try
        {
            var train = CliProcess.Run("train", "--model", "vaease", "--data", "linear:d=8,dims=2+3,n=3000,seed=4", "--out", dir, "--epochs", "auto", "--max-epochs", "5", "--latent", "8");
            Assert.True(train.ExitCode == 0, train.Stderr);
            Assert.Contains("stopped after 5 epochs: not settled by epoch 4: cooled down to the cap of 5 epochs", train.Stdout);
            using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "metrics.json")));
            Assert.Equal(4, doc.RootElement.GetProperty("cooldown_from_epoch").GetInt32());
            JsonElement config = doc.RootElement.GetProperty("config");
            Assert.True(config.GetProperty("training").GetProperty("stop_when_settled").GetBoolean());
            Assert.Equal("anchored", config.GetProperty("model").GetProperty("gamma").GetString());
            JsonElement last = doc.RootElement.GetProperty("epochs").EnumerateArray().Last();
            foreach (string key in new[] { "active_dims", "dead_latents", "reopened" })
                Assert.True(last.TryGetProperty(key, out JsonElement value) && value.ValueKind == JsonValueKind.Number, $"{key} missing");
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Train_then_eval_writes_the_documented_json_and_plot_and_resume_of_a_finished_run_is_refused()
    {
        string dir = TrainingFixture.TempDir(), json = Path.Combine(Path.GetTempPath(), $"vaease-eval-{Guid.NewGuid():N}.json");
        string plot = Path.ChangeExtension(json, ".png");
        try
        {
            var train = CliProcess.Run("train", "--model", "vaease", "--data", "linear:d=8,dims=2+3,n=3000,seed=4", "--out", dir, "--epochs", "2", "--latent", "8");
            Assert.True(train.ExitCode == 0, train.Stderr);
            foreach (string file in new[] { "config.json", "model.safetensors", "metrics.json" })
                Assert.True(File.Exists(Path.Combine(dir, file)), $"{file} missing");

            var badPlot = CliProcess.Run("eval", "--model", dir, "--plot", Path.ChangeExtension(json, ".txt"));
            CliProcess.AssertUsageError(badPlot, "written as .png or .svg");
            var eval = CliProcess.Run("eval", "--model", dir, "--json", json, "--plot", plot);
            Assert.True(eval.ExitCode == 0, eval.Stderr);
            Assert.Contains("held-out test split", eval.Stdout);
            using var doc = JsonDocument.Parse(File.ReadAllText(json));
            JsonElement results = doc.RootElement.GetProperty("results");
            foreach (string key in new[] { "re", "fvu", "mean_active_dims", "active_dims_per_sample", "active_dims_per_group" })
                Assert.True(results.TryGetProperty(key, out _), $"{key} missing");
            Assert.Equal(300, results.GetProperty("samples").GetInt64());
            Assert.Equal(2, results.GetProperty("active_dims_per_group").EnumerateObject().Count());
            Assert.Equal("vaease", doc.RootElement.GetProperty("config").GetProperty("model").GetProperty("kind").GetString());

            // The pooled activity over all samples is a mean of the groups' pooled activities, latent by latent.
            double[] all = [.. results.GetProperty("pooled_activity").EnumerateArray().Select(v => v.GetDouble())];
            double[][] groups = [.. results.GetProperty("pooled_activity_per_group").EnumerateObject()
                .Select(g => g.Value.EnumerateArray().Select(v => v.GetDouble()).ToArray())];
            Assert.Equal(8, all.Length);
            for (int j = 0; j < all.Length; j++)
                Assert.InRange(all[j], groups.Min(g => g[j]) - 1e-9, groups.Max(g => g[j]) + 1e-9);
            Assert.All(all, a => Assert.True(a >= 0, $"-log sigma^2 = {a} < 0 although sigma^2 <= 1"));
            byte[] png = File.ReadAllBytes(plot);
            Assert.True(png.Length > 1000 && png[1] == (byte)'P' && png[2] == (byte)'N' && png[3] == (byte)'G', "the plot is not a PNG");

            var resume = CliProcess.Run("train", "--out", dir, "--resume");
            Assert.Equal(2, resume.ExitCode);
            Assert.Contains("already finished", resume.Stderr);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
            File.Delete(json);
            File.Delete(plot);
        }
    }
}
