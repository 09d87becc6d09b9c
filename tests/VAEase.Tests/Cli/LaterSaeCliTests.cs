using System.Text.Json;
using VAEase.Tests.Training;

namespace VAEase.Tests.Cli;

public sealed class LaterSaeCliTests
{
    [Theory]
    [InlineData("sae-batchtopk")]
    [InlineData("sae-jumprelu")]
    public void A_later_sae_trains_evaluates_with_json_and_encodes_from_the_cli(string model)
    {
        string root = TrainingFixture.TempDir();
        try
        {
            string dir = CliProcess.TrainSmall(root, "linear:d=8,dims=2+3,n=3000,seed=4", model)[0];
            using (var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "config.json"))))
            {
                JsonElement m = config.RootElement.GetProperty("model");
                Assert.Equal(model, m.GetProperty("kind").GetString());
                Assert.Equal(3, m.GetProperty("top_k").GetInt32());   // the largest piece
                Assert.Equal(0.1, m.GetProperty("l0").GetDouble());
            }

            string json = Path.Combine(root, "eval.json");
            var eval = CliProcess.Run("eval", "--model", dir, "--json", json);
            Assert.True(eval.ExitCode == 0, eval.Stderr);
            Assert.Contains("L0           mean", eval.Stdout);
            Assert.Contains("x_bar their mean", eval.Stdout);
            using (var doc = JsonDocument.Parse(File.ReadAllText(json)))
            {
                JsonElement results = doc.RootElement.GetProperty("results");
                double l0 = results.GetProperty("l0").GetDouble();
                Assert.InRange(l0, 0, 6);
                long samples = results.GetProperty("l0_histogram").EnumerateObject().Sum(e => e.Value.GetInt64());
                Assert.Equal(results.GetProperty("samples").GetInt64(), samples);
                foreach (string key in new[] { "fvu", "fvu_rule", "l0_per_sample", "l0_rule", "dead_fraction", "dense_fraction", "mean_active_dims" })
                    Assert.True(results.TryGetProperty(key, out _), $"{key} missing");
            }

            string codes = Path.Combine(root, "codes.npy");
            var encode = CliProcess.Run("encode", "--model", dir, "--data", "linear:d=8,dims=2+3,n=200,seed=5", "--out", codes);
            Assert.True(encode.ExitCode == 0, encode.Stderr);
            Assert.Contains("encoded 200 rows: kappa 6", encode.Stdout);
            Assert.True(File.Exists(codes));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
