using System.Text.Json;
using VAEase.Data;
using VAEase.Tests.Training;

namespace VAEase.Tests.Cli;

public sealed class StreamCliTests
{
    [Fact]
    public void Train_stream_with_normalisation_then_eval_and_encode_use_the_held_out_blocks_and_the_saved_statistics()
    {
        string dir = TrainingFixture.TempDir(), data = Path.Combine(Path.GetTempPath(), $"vaease-cli-stream-{Guid.NewGuid():N}.npy");
        string codes = Path.Combine(Path.GetTempPath(), $"vaease-cli-codes-{Guid.NewGuid():N}.npy");
        try
        {
            SyntheticUnion.WriteLinearUnion(data, 8, [2, 3], 3000, seed: 4);
            var train = CliProcess.Run("train", "--model", "vaease", "--data", $"npy:{data}", "--out", dir, "--epochs", "2", "--latent", "8",
                "--stream", "--stream-block", "50", "--shuffle-buffer", "500", "--eval-rows", "200", "--normalize", "center-scale");
            Assert.True(train.ExitCode == 0, train.Stderr);
            Assert.Contains("2700 train / 200 test samples, streamed through a 500-row shuffle buffer, normalised (center-scale)", train.Stderr);
            Assert.True(File.Exists(Path.Combine(dir, Normalization.File)));
            using (var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "config.json"))))
            {
                Assert.Equal(500, config.RootElement.GetProperty("stream").GetProperty("shuffle_buffer").GetInt32());
                Assert.Equal("center-scale", config.RootElement.GetProperty("normalize").GetString());
            }
            using (var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "metrics.json"))))
                Assert.True(metrics.RootElement.GetProperty("peak_rss_bytes").GetInt64() > 0);

            var eval = CliProcess.Run("eval", "--model", dir);
            Assert.True(eval.ExitCode == 0, eval.Stderr);
            Assert.Contains("held-out blocks (10 % of 50-row blocks, seed 1), first 200 rows", eval.Stdout);
            string trainRe = train.Stdout.Split("RE ")[1].Split(',')[0];
            string evalRe = eval.Stdout.Split("RE ")[1].Trim().Split(' ')[0];
            double shown = double.Parse(evalRe, System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(trainRe, shown.ToString("G4", System.Globalization.CultureInfo.InvariantCulture)); // the same rows, normalised the same way

            var encode = CliProcess.Run("encode", "--model", dir, "--data", $"npy:{data}", "--out", codes);
            Assert.True(encode.ExitCode == 0, encode.Stderr);

            var flags = CliProcess.Run("train", "--model", "vaease", "--data", $"npy:{data}", "--out", dir + "-x", "--shuffle-buffer", "10");
            Assert.Equal((2, "error: --shuffle-buffer applies to streamed data; add --stream\n"), (flags.ExitCode, flags.Stderr));
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
            foreach (string file in new[] { data, codes, CodeExportActive(codes) }) File.Delete(file);
        }
    }

    [Fact]
    public void The_bench_memory_section_reports_the_peak_rss_of_a_streamed_child_run()
    {
        string json = Path.Combine(Path.GetTempPath(), $"vaease-membench-{Guid.NewGuid():N}.json");
        try
        {
            var bench = CliProcess.Run("bench", "--memory-only", "--memory-mb", "8", "--memory-modes", "stream", "--json", json);
            Assert.True(bench.ExitCode == 0, bench.Stderr);
            Assert.Contains("peak RSS MiB", bench.Stdout);
            using var doc = JsonDocument.Parse(File.ReadAllText(json));
            JsonElement row = doc.RootElement.GetProperty("memory")[0];
            Assert.Equal(("stream", 4096L, 2L), (row.GetProperty("mode").GetString(), row.GetProperty("rows").GetInt64(), row.GetProperty("steps").GetInt64()));
            Assert.InRange(row.GetProperty("peak_rss_bytes").GetInt64(), 50L << 20, 6L << 30);
        }
        finally
        {
            File.Delete(json);
        }
    }

    private static string CodeExportActive(string codes) => VAEase.Export.CodeExport.ActiveDimsPath(codes);
}
