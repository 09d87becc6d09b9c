using VAEase.IO;
using VAEase.Models;
using VAEase.Networks;
using VAEase.Training;
using static TorchSharp.torch;

namespace VAEase.Export;

/// <summary>`vaease export --format saelens`: writes a ReLU SAE as the folder SAELens 6 opens with
/// `SAE.load_from_disk(DIR)`: sae_weights.safetensors with W_enc [d_in, d_sae], b_enc [d_sae], W_dec [d_sae, d_in]
/// and b_dec [d_in] (SAELens computes x @ W_enc, so its matrices are our torch Linear weights transposed), and
/// cfg.json (<see cref="SaeLensConfig"/>). SAELens's "standard" SAE computes relu(x @ W_enc + b_enc) @ W_dec + b_dec,
/// and "topk" keeps each row's k largest of x @ W_enc + b_enc after ReLU; with apply_b_dec_to_input false these
/// are exactly our SAE-l1 / SAE-log and SAE-TopK with a single Linear encoder and a linear decoder.</summary>
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
                   $"which no SAELens architecture computes (SAELens loads ReLU and TopK SAEs); export an sae-l1, sae-log or sae-topk model, " +
                   $"or write the codes with `vaease encode`";
        if (config.Kind is ModelKind.SaeBatchTopK or ModelKind.SaeJumpRelu)
            return $"{name} cannot be exported to SAELens yet: its inference threshold has no place in the standard or topk layouts written here; " +
                   $"write the codes with `vaease encode`";
        if (config.Encoder is not (EncoderKind.Linear or EncoderKind.OneLayer))
            return $"{name} with encoder {Json.Name(config.Encoder)} cannot be exported to SAELens, whose SAEs have a single Linear encoder (W_enc, b_enc; train with --encoder linear or one-layer)";
        if (config.Decoder != DecoderKind.Linear)
            return $"{name} with decoder {Json.Name(config.Decoder)} cannot be exported to SAELens, whose SAEs have a linear decoder (W_dec, b_dec; train with --decoder linear)";
        return null;
    }

    /// <summary>The cfg.json of a model (which must have no <see cref="Problem"/>).</summary>
    public static SaeLensConfig Config(ModelConfig config, SaeLensOptions options) => new()
    {
        Architecture = config.Kind == ModelKind.SaeTopK ? "topk" : "standard",
        DIn = config.InputDim,
        DSae = config.Latent,
        K = config.Kind == ModelKind.SaeTopK ? config.TopK : null,
        Metadata = new SaeLensMetadata { ModelName = options.ModelName, HookName = options.HookName, DatasetPath = options.DatasetPath },
        Vaease = new SaeLensProvenance(Versions.All["vaease"], config),
    };

    /// <summary>Writes DIR/sae_weights.safetensors, then DIR/cfg.json (each atomically; the folder is created if
    /// needed, nothing is written for a model with a <see cref="Problem"/>). Returns the two paths. cfg.json seals the
    /// pair: an old one goes before the weights are replaced, so that an export killed in between leaves weights that
    /// SAELens refuses to load for want of a config, never new weights read with an old config.</summary>
    public static IReadOnlyList<string> Export(SparseAutoencoder model, string outDir, SaeLensOptions? options = null)
    {
        if (Problem(model.Config) is { } problem) throw new VAEaseException(problem);
        string weightsPath = Path.Combine(outDir, WeightsFile), configPath = Path.Combine(outDir, ConfigFile);
        Directory.CreateDirectory(outDir);
        if (File.Exists(configPath)) File.Delete(configPath);
        using (var scope = NewDisposeScope())
        {
            Dictionary<string, Tensor> state = model.state_dict();
            KeyValuePair<string, Tensor>[] tensors =
            [
                new("W_enc", state["encoder.weight"].t()),   // Linear weight [d_sae, d_in] -> [d_in, d_sae]
                new("b_enc", state["encoder.bias"]),
                new("W_dec", state["decoder.weight"].t()),   // Linear weight [d_in, d_sae] -> [d_sae, d_in]
                new("b_dec", state["decoder.bias"]),
            ];
            SafeTensors.Write(weightsPath, tensors, new Dictionary<string, string> { ["format"] = "pt" });
        }
        Json.Write(configPath, Config(model.Config, options ?? new SaeLensOptions()));
        return [weightsPath, configPath];
    }
}
