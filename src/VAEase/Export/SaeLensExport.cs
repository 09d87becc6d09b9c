using VAEase.IO;
using VAEase.Models;
using VAEase.Networks;
using VAEase.Training;
using static TorchSharp.torch;

namespace VAEase.Export;

/// <summary>`vaease export --format saelens`: writes a ReLU SAE as the folder SAELens 6 opens with
/// `SAE.load_from_disk(DIR)`: sae_weights.safetensors with W_enc [d_in, d_sae], b_enc [d_sae], W_dec [d_sae, d_in]
/// and b_dec [d_in] (SAELens computes x @ W_enc, so its matrices are our torch Linear weights transposed), for
/// "jumprelu" also threshold [d_sae]; cfg.json (<see cref="SaeLensConfig"/>); and, when measured on data,
/// sparsity.safetensors (<see cref="SaeLensSparsity"/>). SAELens loads the weights with a strict load_state_dict: the
/// file holds exactly its architecture's tensors. With pre = x @ W_enc + b_enc (apply_b_dec_to_input false), SAELens's
/// "standard" code is relu(pre), "topk" keeps each row's k largest of pre after ReLU, and "jumprelu" is
/// relu(pre) · 1{pre > threshold}; the reconstruction is code @ W_dec + b_dec. These are exactly our SAE-l1 / SAE-log,
/// SAE-TopK, and SAE-JumpReLU (theta = exp(log_threshold)) and SAE-BatchTopK at inference (its one threshold theta &gt;= 0
/// on every latent), each with a single Linear encoder and a linear decoder.</summary>
public static class SaeLensExport
{
    public const string WeightsFile = "sae_weights.safetensors";
    public const string ConfigFile = "cfg.json";

    /// <summary>The SAELens cfg.json layout followed (sae_lens 6.x: flat config fields, a `metadata` block).</summary>
    public const string LayoutVersion = "6.0.0";

    /// <summary>Why a model cannot be exported, in one line, or null if it can.</summary>
    public static string? Problem(ModelConfig config)
    {
        string name = Json.Name(config.Kind);
        if (config.IsVariational)
            return $"{name} cannot be exported to SAELens: its code (1 - sigma) ⊙ mu comes from a Swish encoder with a variance head, " +
                   $"which no SAELens architecture computes (SAELens loads ReLU, TopK and JumpReLU SAEs); export an sae-l1, sae-log, sae-topk, " +
                   $"sae-batchtopk or sae-jumprelu model, " +
                   $"or write the codes with `vaease encode`";
        if (config.Encoder is not (EncoderKind.Linear or EncoderKind.OneLayer))
            return $"{name} with encoder {Json.Name(config.Encoder)} cannot be exported to SAELens, whose SAEs have a single Linear encoder (W_enc, b_enc; train with --encoder linear or one-layer)";
        if (config.Decoder != DecoderKind.Linear)
            return $"{name} with decoder {Json.Name(config.Decoder)} cannot be exported to SAELens, whose SAEs have a linear decoder (W_dec, b_dec; train with --decoder linear)";
        return null;
    }

    /// <summary>The cfg.json of a model (which must have no <see cref="Problem"/>).</summary>
    public static SaeLensConfig Config(ModelConfig config, SaeLensOptions options) => new()
    {
        Architecture = Architecture(config.Kind),
        DIn = config.InputDim,
        DSae = config.Latent,
        K = config.Kind == ModelKind.SaeTopK ? config.TopK : null,
        RescaleActsByDecoderNorm = config.Kind == ModelKind.SaeTopK ? false : null,
        Metadata = new SaeLensMetadata { ModelName = options.ModelName, HookName = options.HookName, DatasetPath = options.DatasetPath },
        Vaease = new SaeLensProvenance(Versions.All["vaease"], config),
    };

    /// <summary>The SAELens architecture a model maps onto.</summary>
    public static string Architecture(ModelKind kind) => kind switch
    {
        ModelKind.SaeTopK => "topk",
        ModelKind.SaeBatchTopK or ModelKind.SaeJumpRelu => "jumprelu",
        _ => "standard",
    };

    /// <summary>Writes DIR/sae_weights.safetensors, DIR/sparsity.safetensors when <paramref name="logDensity"/> is given, then
    /// DIR/cfg.json (each atomically; the folder is created if needed, nothing is written for a model with a
    /// <see cref="Problem"/>). Returns the paths written. cfg.json seals the set: an old one (and an old sparsity file) goes
    /// before the weights are replaced, so that an export killed in between leaves weights that SAELens refuses to load
    /// for want of a config, never new weights read with an old config.</summary>
    public static IReadOnlyList<string> Export(SparseAutoencoder model, string outDir, SaeLensOptions? options = null, Tensor? logDensity = null)
    {
        if (Problem(model.Config) is { } problem) throw new VAEaseException(problem);
        if (logDensity is not null && !logDensity.shape.SequenceEqual([(long)model.Config.Latent]))
            throw new ArgumentException($"expected [{model.Config.Latent}], got [{string.Join(", ", logDensity.shape)}]", nameof(logDensity));
        string weightsPath = Path.Combine(outDir, WeightsFile), configPath = Path.Combine(outDir, ConfigFile);
        string sparsityPath = Path.Combine(outDir, SaeLensSparsity.File);
        Directory.CreateDirectory(outDir);
        if (File.Exists(configPath)) File.Delete(configPath);
        if (File.Exists(sparsityPath)) File.Delete(sparsityPath);
        var pt = new Dictionary<string, string> { ["format"] = "pt" };
        using (var scope = NewDisposeScope())
            SafeTensors.Write(weightsPath, Tensors(model), pt);
        List<string> written = [weightsPath];
        if (logDensity is not null)
        {
            SafeTensors.Write(sparsityPath, [new(SaeLensSparsity.TensorName, logDensity)], pt);
            written.Add(sparsityPath);
        }
        Json.Write(configPath, Config(model.Config, options ?? new SaeLensOptions()));
        written.Add(configPath);
        return written;
    }

    /// <summary>The state dict SAELens's architecture loads, exactly: W_enc, b_enc, W_dec, b_dec, and for "jumprelu" the
    /// per-latent threshold [d_sae] (JumpReLU's learned exp(log_threshold); BatchTopK's one theta on every latent).</summary>
    private static List<KeyValuePair<string, Tensor>> Tensors(SparseAutoencoder model)
    {
        Dictionary<string, Tensor> state = model.state_dict();
        List<KeyValuePair<string, Tensor>> tensors =
        [
            new("W_enc", state["encoder.weight"].t()),   // Linear weight [d_sae, d_in] -> [d_in, d_sae]
            new("b_enc", state["encoder.bias"]),
            new("W_dec", state["decoder.weight"].t()),   // Linear weight [d_in, d_sae] -> [d_sae, d_in]
            new("b_dec", state["decoder.bias"]),
        ];
        using (no_grad())
        {
            if (model is SaeJumpRelu jump) tensors.Add(new("threshold", jump.Threshold.detach()));
            if (model is SaeBatchTopK batch) tensors.Add(new("threshold", full(model.Config.Latent, batch.Threshold, dtype: ScalarType.Float32)));
        }
        return tensors;
    }
}
