using System.Text.Json;
using VAEase.Export;
using VAEase.IO;
using VAEase.Models;
using VAEase.Networks;
using static TorchSharp.torch;

namespace VAEase.Tests.Export;

public sealed class SaeLensExportTests
{
    /// <summary>Gives a BatchTopK model a theta and a JumpReLU model per-latent thresholds that cut through the pre-activations of
    /// typical rows (a fresh model's thresholds, 0 and a constant, would test little).</summary>
    static void SetThresholds(SparseAutoencoder model)
    {
        using var noGrad = no_grad();
        var state = model.state_dict();
        if (model is SaeBatchTopK) state["threshold"].copy_(tensor(0.15f));
        if (model is SaeJumpRelu)
        {
            manual_seed(24);
            using Tensor log = rand(model.Config.Latent) * 1.5 - 3;                   // theta in [0.05, 0.22]
            state["log_threshold"].copy_(log);
        }
    }

    [Theory]
    [InlineData(ModelKind.SaeL1, EncoderKind.Linear, "standard")]
    [InlineData(ModelKind.SaeLog, EncoderKind.OneLayer, "standard")]
    [InlineData(ModelKind.SaeTopK, EncoderKind.OneLayer, "topk")]
    [InlineData(ModelKind.SaeBatchTopK, EncoderKind.OneLayer, "jumprelu")]
    [InlineData(ModelKind.SaeJumpRelu, EncoderKind.Linear, "jumprelu")]
    public void SAELens_loads_the_export_by_its_own_rules_and_encodes_and_decodes_as_the_model(ModelKind kind, EncoderKind encoder, string architecture)
    {
        using var scope = NewDisposeScope();
        using SparseAutoencoder model = ExportFixture.Create(ExportFixture.Config(kind, encoder), seed: 21);
        SetThresholds(model);
        string dir = Path.Combine(Training.TrainingFixture.TempDir(), "sae");
        try
        {
            SaeLensExport.Export(model, dir);
            SaeLensReference sae = SaeLensReference.Load(dir); // SAELens's config rules and strict state dict

            manual_seed(22);
            Tensor x = randn(40, 8);
            Tensor code, reconstruction;
            using (no_grad())
            {
                code = model.Encode(x).Code;
                reconstruction = model.Decode(code);
            }
            double[] acts = sae.Encode(x.data<float>().ToArray(), 40);
            AssertClose(code.data<float>().ToArray(), acts, "code");
            AssertClose(reconstruction.data<float>().ToArray(), sae.Decode(acts, 40), "reconstruction");
            Assert.Equal(architecture, sae.Architecture);
            if (architecture == "jumprelu")
            {
                // The thresholds decide: some positive pre-activations fall below them and are dropped, others pass.
                double[] pre = sae.Pre(x.data<float>().ToArray(), 40);
                Assert.Contains(pre.Select((p, i) => (p, i)), e => e.p > 0 && acts[e.i] == 0);
                Assert.Contains(acts, a => a > 0);
            }
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(dir)!, recursive: true);
        }
    }

    static void AssertClose(float[] ours, double[] saeLens, string what)
    {
        Assert.Equal(ours.Length, saeLens.Length);
        for (int i = 0; i < ours.Length; i++) Assert.True(Math.Abs(ours[i] - saeLens[i]) < 1e-5, $"{what} entry {i}: model {ours[i]}, SAELens {saeLens[i]}");
    }

    [Theory]
    [InlineData(ModelKind.SaeBatchTopK)]
    [InlineData(ModelKind.SaeJumpRelu)]
    public void A_thresholded_sae_exports_its_thresholds_per_latent(ModelKind kind)
    {
        using var scope = NewDisposeScope();
        using SparseAutoencoder model = ExportFixture.Create(ExportFixture.Config(kind), seed: 25);
        SetThresholds(model);
        string dir = Path.Combine(Training.TrainingFixture.TempDir(), "sae");
        try
        {
            SaeLensExport.Export(model, dir);
            Tensor threshold = SafeTensors.Read(Path.Combine(dir, "sae_weights.safetensors"))["threshold"];
            Tensor expected = model is SaeJumpRelu jump ? jump.Threshold : full(10, (float)((SaeBatchTopK)model).Threshold);
            Assert.Equal([10L], threshold.shape);
            Assert.True(threshold.eq(expected).all().item<bool>());
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(dir)!, recursive: true);
        }
    }

    [Fact]
    public void Sparsity_is_the_log10_firing_frequency_of_each_latent_on_the_data_given()
    {
        using var scope = NewDisposeScope();
        using SparseAutoencoder model = ExportFixture.Create(ExportFixture.Config(ModelKind.SaeJumpRelu), seed: 26);
        SetThresholds(model);
        manual_seed(27);
        using var data = new VAEase.Data.Dataset(randn(300, 8), null, "test rows");
        string dir = Path.Combine(Training.TrainingFixture.TempDir(), "sae");
        try
        {
            using Tensor logDensity = SaeLensSparsity.LogDensity(model, data);
            var files = SaeLensExport.Export(model, dir, logDensity: logDensity);

            Assert.Equal(["sae_weights.safetensors", "sparsity.safetensors", "cfg.json"], files.Select(Path.GetFileName));
            Assert.Equal(["sparsity"], SafeTensors.List(files[1]).Select(e => e.Name));
            float[] stored = SafeTensors.Read(files[1])["sparsity"].data<float>().ToArray();
            double[] acts = SaeLensReference.Load(dir).Encode(data.X.data<float>().ToArray(), 300);
            for (int j = 0; j < 10; j++)
            {
                double frequency = Enumerable.Range(0, 300).Count(r => acts[r * 10 + j] > 0) / 300.0;
                Assert.Equal(Math.Log10(frequency + 1e-10), stored[j], 5);
            }
            Assert.Contains(stored, v => v > -10 && v < 0); // some latents fire on some rows, not all

            SaeLensExport.Export(model, dir);                // a new export without data drops the old measurement
            Assert.False(File.Exists(files[1]));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(dir)!, recursive: true);
        }
    }

    [Theory]
    [InlineData(ModelKind.SaeL1, EncoderKind.Linear, "standard")]
    [InlineData(ModelKind.SaeTopK, EncoderKind.OneLayer, "topk")]
    [InlineData(ModelKind.SaeJumpRelu, EncoderKind.OneLayer, "jumprelu")]
    public void Exported_tensors_are_the_model_weights_transposed_and_the_config_is_saelens_6s(ModelKind kind, EncoderKind encoder, string architecture)
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
            Assert.Equal(["W_enc", "b_enc", "W_dec", "b_dec", .. kind == ModelKind.SaeJumpRelu ? new[] { "threshold" } : []], SafeTensors.List(files[0]).Select(e => e.Name));
            Assert.True(read["W_enc"].eq(state["encoder.weight"].t()).all().item<bool>());
            Assert.True(read["b_enc"].eq(state["encoder.bias"]).all().item<bool>());
            Assert.True(read["W_dec"].eq(state["decoder.weight"].t()).all().item<bool>());
            Assert.True(read["b_dec"].eq(state["decoder.bias"]).all().item<bool>());
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
            Assert.Equal(kind == ModelKind.SaeTopK, root.TryGetProperty("rescale_acts_by_decoder_norm", out JsonElement rescale));
            if (kind == ModelKind.SaeTopK) Assert.False(rescale.GetBoolean());
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
