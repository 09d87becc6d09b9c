using System.Text.Json;
using VAEase.Tests.Training;

namespace VAEase.Tests.Cli;

public sealed class CliRoundTripTests
{
    [Fact]
    public void Train_then_eval_writes_the_documented_json_and_resume_of_a_finished_run_is_refused()
    {
        string dir = TrainingFixture.TempDir(), json = Path.Combine(Path.GetTempPath(), $"vaease-eval-{Guid.NewGuid():N}.json");
        try
        {
            var train = CliProcess.Run("train", "--model", "vaease", "--data", "linear:d=8,dims=2+3,n=3000,seed=4", "--out", dir, "--epochs", "2", "--latent", "8");
            Assert.True(train.ExitCode == 0, train.Stderr);
            foreach (string file in new[] { "config.json", "model.safetensors", "metrics.json" })
                Assert.True(File.Exists(Path.Combine(dir, file)), $"{file} missing");

            var eval = CliProcess.Run("eval", "--model", dir, "--json", json);
            Assert.True(eval.ExitCode == 0, eval.Stderr);
            Assert.Contains("held-out test split", eval.Stdout);
            using var doc = JsonDocument.Parse(File.ReadAllText(json));
            JsonElement results = doc.RootElement.GetProperty("results");
            foreach (string key in new[] { "re", "fvu", "mean_active_dims", "active_dims_per_sample", "active_dims_per_group" })
                Assert.True(results.TryGetProperty(key, out _), $"{key} missing");
            Assert.Equal(300, results.GetProperty("samples").GetInt64());
            Assert.Equal(2, results.GetProperty("active_dims_per_group").EnumerateObject().Count());
            Assert.Equal("vaease", doc.RootElement.GetProperty("config").GetProperty("model").GetProperty("kind").GetString());

            var resume = CliProcess.Run("train", "--out", dir, "--resume");
            Assert.Equal(2, resume.ExitCode);
            Assert.Contains("already finished", resume.Stderr);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
            File.Delete(json);
        }
    }
}
