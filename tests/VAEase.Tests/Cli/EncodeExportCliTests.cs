using System.Text.Json;
using VAEase.Data;
using VAEase.IO;
using VAEase.Models;
using VAEase.Tests.Export;
using static TorchSharp.torch;

namespace VAEase.Tests.Cli;

public sealed class EncodeExportCliTests
{
    /// <summary>A folder with a saved model and a data file of the given width; deleted by the caller.</summary>
    static (string Dir, string Model, string DataFile) Setup(ModelKind kind, int dataDim)
    {
        string dir = Training.TrainingFixture.TempDir(), model = Path.Combine(dir, "model");
        ExportFixture.SaveRun(model, ExportFixture.Config(kind), seed: 31);
        string dataFile = Path.Combine(dir, "x.npy");
        manual_seed(32);
        using (Tensor x = randn(50, dataDim)) NpyReader.Write(dataFile, x);
        return (dir, model, dataFile);
    }

    [Fact]
    public void Encode_and_export_of_a_saved_sae_write_their_files_and_a_json_summary()
    {
        var (dir, model, dataFile) = Setup(ModelKind.SaeTopK, dataDim: 8);
        try
        {
            string codes = Path.Combine(dir, "codes.safetensors"), summary = Path.Combine(dir, "summary.json");
            var encode = CliProcess.Run("encode", "--model", model, "--data", $"npy:{dataFile}", "--out", codes, "--sparse", "--json", summary);
            Assert.True(encode.ExitCode == 0, encode.Stderr);
            Assert.Contains("encoded 50 rows", encode.Stdout);
            using (var json = JsonDocument.Parse(File.ReadAllText(summary)))
            {
                JsonElement root = json.RootElement;
                Assert.Equal(50, root.GetProperty("samples").GetInt64());
                Assert.Equal(10, root.GetProperty("latent").GetInt32());
                Assert.Equal("coo", root.GetProperty("layout").GetString());
                Assert.InRange(root.GetProperty("stored_entries").GetInt64(), 1, 50 * 3);
                Assert.True(root.GetProperty("mean_active_dims").GetDouble() > 0);
                Assert.Equal([codes], root.GetProperty("outputs").EnumerateArray().Select(e => e.GetString()));
            }
            Assert.True(File.Exists(codes));

            string sae = Path.Combine(dir, "sae");
            var export = CliProcess.Run("export", "--model", model, "--format", "saelens", "--out", sae, "--hook-name", "blocks.3.hook_resid_post");
            Assert.True(export.ExitCode == 0, export.Stderr);
            Assert.Contains("load_from_disk", export.Stdout);
            Assert.Contains("sparsity.safetensors not written: no --data to measure the feature density on", export.Stderr);
            Assert.Equal(["cfg.json", "sae_weights.safetensors"], Directory.GetFiles(sae).Select(Path.GetFileName).Order());

            var measured = CliProcess.Run("export", "--model", model, "--format", "saelens", "--out", sae, "--data", $"npy:{dataFile}");
            Assert.True(measured.ExitCode == 0, measured.Stderr);
            Assert.Equal(["cfg.json", "sae_weights.safetensors", "sparsity.safetensors"], Directory.GetFiles(sae).Select(Path.GetFileName).Order());
            Assert.Equal([10L], SafeTensors.List(Path.Combine(sae, "sparsity.safetensors")).Single(e => e.Name == "sparsity").Shape);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    static void AssertUsageErrorAndNothingWritten(ChildProcess.Result result, string dir, params string[] fragments)
    {
        Assert.Equal(2, result.ExitCode);
        string message = result.Stderr.TrimEnd('\n');
        Assert.DoesNotContain('\n', message);
        Assert.StartsWith("error: ", message);
        foreach (string fragment in fragments) Assert.Contains(fragment, message);
        Assert.Equal(["model", "x.npy"], Directory.GetFileSystemEntries(dir).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void Encode_of_data_of_the_wrong_width_names_both_widths_exits_2_and_writes_nothing()
    {
        var (dir, model, dataFile) = Setup(ModelKind.SaeL1, dataDim: 5);
        try
        {
            var result = CliProcess.Run("encode", "--model", model, "--data", $"npy:{dataFile}", "--out", Path.Combine(dir, "codes.npy"));
            AssertUsageErrorAndNothingWritten(result, dir, "the model expects d = 8 but", "has d = 5");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Export_of_a_vaease_model_says_why_saelens_cannot_load_it_exits_2_and_writes_nothing()
    {
        var (dir, model, _) = Setup(ModelKind.VAEase, dataDim: 8);
        try
        {
            var result = CliProcess.Run("export", "--model", model, "--format", "saelens", "--out", Path.Combine(dir, "sae"));
            AssertUsageErrorAndNothingWritten(result, dir, "vaease cannot be exported to SAELens", "vaease encode");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
