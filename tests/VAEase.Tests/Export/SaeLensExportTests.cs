using System.Text.Json;
using VAEase.Export;
using VAEase.IO;
using VAEase.Models;
using VAEase.Networks;
using static TorchSharp.torch;

namespace VAEase.Tests.Export;

public sealed class SaeLensExportTests
{
    /// <summary>SAELens's forward in plain C#: relu(x W_enc + b_enc) W_dec + b_dec, for "topk" keeping the k
    /// largest pre-activations of each row before the ReLU (sae_lens.saes.topk_sae.TopK).</summary>
    static float[] SaeLensForward(float[] x, int rows, float[] wEnc, float[] bEnc, float[] wDec, float[] bDec, int dIn, int dSae, int? k)
    {
        var output = new float[rows * dIn];
        for (int r = 0; r < rows; r++)
        {
            var pre = new double[dSae];
            for (int j = 0; j < dSae; j++)
            {
                pre[j] = bEnc[j];
                for (int i = 0; i < dIn; i++) pre[j] += x[r * dIn + i] * (double)wEnc[i * dSae + j];
            }
            var kept = k is { } top ? Enumerable.Range(0, dSae).OrderByDescending(j => pre[j]).Take(top).ToHashSet() : null;
            var z = pre.Select((p, j) => kept is null || kept.Contains(j) ? Math.Max(p, 0) : 0).ToArray();
            for (int i = 0; i < dIn; i++)
            {
                double sum = bDec[i];
                for (int j = 0; j < dSae; j++) sum += z[j] * wDec[j * dIn + i];
                output[r * dIn + i] = (float)sum;
            }
        }
        return output;
    }

    [Theory]
    [InlineData(ModelKind.SaeL1, EncoderKind.Linear, "standard")]
    [InlineData(ModelKind.SaeLog, EncoderKind.OneLayer, "standard")]
    [InlineData(ModelKind.SaeTopK, EncoderKind.OneLayer, "topk")]
    public void Exported_tensors_are_the_model_weights_transposed_and_reproduce_its_reconstruction(ModelKind kind, EncoderKind encoder, string architecture)
    {
        using var scope = NewDisposeScope();
        ModelConfig config = ExportFixture.Config(kind, encoder);
        using SparseAutoencoder model = ExportFixture.Create(config, seed: 21);
        string dir = Path.Combine(Training.TrainingFixture.TempDir(), "sae"); // not there yet: the export creates it
        try
        {
            var files = SaeLensExport.Export(model, dir, new SaeLensOptions { HookName = "blocks.0.hook_resid_pre", DatasetPath = "npy:acts.npy" });
            Assert.Equal([Path.Combine(dir, "sae_weights.safetensors"), Path.Combine(dir, "cfg.json")], files);

            var state = model.state_dict();
            var read = SafeTensors.Read(files[0]);
            Assert.Equal(["W_enc", "b_enc", "W_dec", "b_dec"], SafeTensors.List(files[0]).Select(e => e.Name));
            Assert.Equal([8L, 10L], read["W_enc"].shape);
            Assert.Equal([10L], read["b_enc"].shape);
            Assert.Equal([10L, 8L], read["W_dec"].shape);
            Assert.Equal([8L], read["b_dec"].shape);
            Assert.True(read["W_enc"].eq(state["encoder.weight"].t()).all().item<bool>());
            Assert.True(read["b_enc"].eq(state["encoder.bias"]).all().item<bool>());
            Assert.True(read["W_dec"].eq(state["decoder.weight"].t()).all().item<bool>());
            Assert.True(read["b_dec"].eq(state["decoder.bias"]).all().item<bool>());

            manual_seed(22);
            Tensor x = randn(6, 8);
            float[] plain = SaeLensForward(x.data<float>().ToArray(), 6, read["W_enc"].data<float>().ToArray(), read["b_enc"].data<float>().ToArray(),
                read["W_dec"].data<float>().ToArray(), read["b_dec"].data<float>().ToArray(), 8, 10, kind == ModelKind.SaeTopK ? 3 : null);
            float[] ours;
            using (no_grad()) ours = model.Reconstruct(x).data<float>().ToArray();
            Assert.Equal(ours.Length, plain.Length);
            for (int i = 0; i < ours.Length; i++) Assert.True(Math.Abs(ours[i] - plain[i]) < 1e-5, $"entry {i}: model {ours[i]}, SAELens forward {plain[i]}");

            using var cfg = JsonDocument.Parse(File.ReadAllText(files[1]));
            JsonElement root = cfg.RootElement;
            Assert.Equal(architecture, root.GetProperty("architecture").GetString());
            Assert.Equal(8, root.GetProperty("d_in").GetInt32());
            Assert.Equal(10, root.GetProperty("d_sae").GetInt32());
            Assert.Equal("float32", root.GetProperty("dtype").GetString());
            Assert.Equal("cpu", root.GetProperty("device").GetString());
            Assert.False(root.GetProperty("apply_b_dec_to_input").GetBoolean());
            Assert.Equal("none", root.GetProperty("normalize_activations").GetString());
            Assert.Equal("none", root.GetProperty("reshape_activations").GetString());
            Assert.Equal(kind == ModelKind.SaeTopK, root.TryGetProperty("k", out JsonElement k));
            if (kind == ModelKind.SaeTopK) Assert.Equal(3, k.GetInt32());
            JsonElement metadata = root.GetProperty("metadata");
            Assert.Equal("6.0.0", metadata.GetProperty("sae_lens_version").GetString());
            Assert.Equal("blocks.0.hook_resid_pre", metadata.GetProperty("hook_name").GetString());
            Assert.Equal("npy:acts.npy", metadata.GetProperty("dataset_path").GetString());
            Assert.Equal(JsonValueKind.Null, metadata.GetProperty("model_name").ValueKind);
            Assert.Equal(Json.Name(kind), root.GetProperty("vaease").GetProperty("model").GetProperty("kind").GetString());
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(dir)!, recursive: true);
        }
    }

    [Theory]
    [InlineData(ModelKind.VAEase, EncoderKind.OneLayer, DecoderKind.Linear, "vaease cannot be exported to SAELens")]
    [InlineData(ModelKind.Vae, EncoderKind.OneLayer, DecoderKind.Linear, "vae cannot be exported to SAELens")]
    [InlineData(ModelKind.SaeL1, EncoderKind.SwishMlp, DecoderKind.Linear, "sae-l1 with encoder swish-mlp cannot be exported")]
    [InlineData(ModelKind.SaeTopK, EncoderKind.Linear, DecoderKind.Mlp, "sae-topk with decoder mlp cannot be exported")]
    public void Models_saelens_cannot_compute_are_refused_with_the_reason_and_nothing_is_written(ModelKind kind, EncoderKind encoder, DecoderKind decoder, string expected)
    {
        using SparseAutoencoder model = ExportFixture.Create(ExportFixture.Config(kind, encoder, decoder), seed: 23);
        string dir = Path.Combine(Training.TrainingFixture.TempDir(), "sae");
        var e = Assert.Throws<VAEaseException>(() => SaeLensExport.Export(model, dir));
        Assert.Contains(expected, e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.False(Directory.Exists(dir));
    }
}
