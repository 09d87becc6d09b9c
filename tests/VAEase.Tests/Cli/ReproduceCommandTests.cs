using System.Text.Json;
using VAEase.Tests.Training;

namespace VAEase.Tests.Cli;

public sealed class ReproduceCommandTests
{
    [Fact]
    public void Table2_on_a_custom_union_prints_the_truth_and_reuses_finished_runs()
    {
        string root = TrainingFixture.TempDir(), json = Path.Combine(root, "t2.json");
        try
        {
            string[] args = ["reproduce", "table2", "--data", "linear:d=8,dims=2+3,n=3000,seed=4", "--epochs", "2",
                             "--models", "vaease,sae-topk", "--seeds", "1,2", "--out", root, "--json", json];
            var first = CliProcess.Run(args);
            Assert.True(first.ExitCode == 0, first.Stderr);
            Assert.Contains("truth", first.Stdout);
            using (var doc = JsonDocument.Parse(File.ReadAllText(json)))
            {
                JsonElement part = doc.RootElement.GetProperty("parts")[0];
                Assert.Equal("linear", part.GetProperty("part").GetString());
                Assert.Equal(4, part.GetProperty("models").GetArrayLength());
                Assert.Equal(2, part.GetProperty("models")[0].GetProperty("median_per_manifold").GetArrayLength());
            }
            string weights = Path.Combine(root, "linear", "vaease-seed1", "model.safetensors");
            DateTime written = File.GetLastWriteTimeUtc(weights);

            var second = CliProcess.Run(args);
            Assert.True(second.ExitCode == 0, second.Stderr);
            Assert.Equal(written, File.GetLastWriteTimeUtc(weights)); // evaluated again, not retrained
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
