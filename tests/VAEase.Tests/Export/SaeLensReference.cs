using System.Text.Json;
using VAEase.IO;

namespace VAEase.Tests.Export;

/// <summary>What SAELens 6 does with an exported folder in `SAE.load_from_disk`, re-done in plain C# so that the export is
/// checked against SAELens's rules rather than our own reader (sae_lens 6.18: loading/pretrained_sae_loaders.py,
/// saes/sae.py, standard_sae.py, topk_sae.py, jumprelu_sae.py):
///   - handle_config_defaulting: without metadata.sae_lens_version >= 6.0.0 the pre-6 converter rewrites the config;
///   - the architecture's config class (standard, topk, jumprelu) keeps its own fields: d_in and d_sae have no default,
///     dtype must be in DTYPE_MAP, normalize_activations one of four values, reshape_activations none or hook_z; topk
///     takes k (default 100) and rescale_acts_by_decoder_norm (default false);
///   - load_state_dict is strict: exactly W_enc [d_in, d_sae], b_enc [d_sae], W_dec [d_sae, d_in], b_dec [d_in], and for
///     jumprelu threshold [d_sae]; no missing and no unexpected key;
///   - inference: pre = (x - b_dec · apply_b_dec_to_input) @ W_enc + b_enc; standard relu(pre); topk the k largest of pre,
///     then relu; jumprelu relu(pre) · 1{pre > threshold}; decode acts @ W_dec + b_dec.
/// Violations throw <see cref="InvalidOperationException"/> with the message SAELens or PyTorch would give.</summary>
internal sealed class SaeLensReference
{
    private static readonly string[] Dtypes = ["float32", "float64", "float16", "bfloat16", "torch.float32", "torch.float64", "torch.float16", "torch.bfloat16"];
    private static readonly string[] Normalizations = ["none", "expected_average_only_in", "constant_norm_rescale", "layer_norm"];

    private readonly Dictionary<string, float[]> weights;

    private SaeLensReference(string architecture, int dIn, int dSae, int k, bool applyBDec, Dictionary<string, float[]> weights)
    {
        (Architecture, DIn, DSae, K, ApplyBDecToInput, this.weights) = (architecture, dIn, dSae, k, applyBDec, weights);
    }

    public string Architecture { get; }
    public int DIn { get; }
    public int DSae { get; }
    public int K { get; }
    public bool ApplyBDecToInput { get; }

    /// <summary>Reads DIR/cfg.json and DIR/sae_weights.safetensors as SAELens does, with its checks.</summary>
    public static SaeLensReference Load(string dir)
    {
        using var cfg = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "cfg.json")));
        JsonElement root = cfg.RootElement;
        string? version = root.TryGetProperty("sae_lens_version", out var top) ? top.GetString()
            : root.TryGetProperty("metadata", out var metadata) && metadata.TryGetProperty("sae_lens_version", out var inner) ? inner.GetString() : null;
        if (version is null || !Version.TryParse(version.Split('-')[0], out var parsed) || parsed.Major < 6)
            throw new InvalidOperationException($"sae_lens_version {version ?? "missing"}: handle_pre_6_0_config would rewrite this config");
        string architecture = root.GetProperty("architecture").GetString()!;
        if (architecture is not ("standard" or "topk" or "jumprelu")) throw new InvalidOperationException($"unknown architecture {architecture}");
        int Required(string key) => root.TryGetProperty(key, out var v) ? v.GetInt32()
            : throw new InvalidOperationException($"__init__() missing 1 required positional argument: '{key}'");
        int dIn = Required("d_in"), dSae = Required("d_sae");
        string dtype = Optional(root, "dtype", "float32");
        if (!Dtypes.Contains(dtype)) throw new InvalidOperationException($"KeyError: '{dtype}' (DTYPE_MAP)");
        if (!Normalizations.Contains(Optional(root, "normalize_activations", "none"))) throw new InvalidOperationException("normalize_activations must be none, expected_average_only_in, layer_norm, or constant_norm_rescale");
        if (Optional(root, "reshape_activations", "none") is not ("none" or "hook_z")) throw new InvalidOperationException("reshape_activations must be none or hook_z");
        bool applyBDec = !root.TryGetProperty("apply_b_dec_to_input", out var a) || a.GetBoolean();
        int k = architecture == "topk" && root.TryGetProperty("k", out var kv) ? kv.GetInt32() : 100;
        if (architecture == "topk" && root.TryGetProperty("rescale_acts_by_decoder_norm", out var rescale) && rescale.GetBoolean())
            throw new InvalidOperationException("rescale_acts_by_decoder_norm is not modelled by this reference");

        var shapes = new Dictionary<string, long[]> { ["W_enc"] = [dIn, dSae], ["b_enc"] = [dSae], ["W_dec"] = [dSae, dIn], ["b_dec"] = [dIn] };
        if (architecture == "jumprelu") shapes["threshold"] = [dSae];
        string path = Path.Combine(dir, "sae_weights.safetensors");
        var entries = SafeTensors.List(path);
        string[] missing = [.. shapes.Keys.Except(entries.Select(e => e.Name))], unexpected = [.. entries.Select(e => e.Name).Except(shapes.Keys)];
        if (missing.Length + unexpected.Length > 0)
            throw new InvalidOperationException($"Error(s) in loading state_dict: Missing key(s): {string.Join(", ", missing)}; Unexpected key(s): {string.Join(", ", unexpected)}");
        var weights = new Dictionary<string, float[]>();
        foreach (var (name, tensor) in SafeTensors.Read(path))
            using (tensor)
            {
                if (!tensor.shape.SequenceEqual(shapes[name]))
                    throw new InvalidOperationException($"size mismatch for {name}: copying a param with shape [{string.Join(", ", tensor.shape)}], the model's is [{string.Join(", ", shapes[name])}]");
                weights[name] = tensor.to_type(TorchSharp.torch.ScalarType.Float32).data<float>().ToArray();
            }
        return new SaeLensReference(architecture, dIn, dSae, k, applyBDec, weights);
    }

    private static string Optional(JsonElement root, string key, string fallback) => root.TryGetProperty(key, out var v) ? v.GetString()! : fallback;

    /// <summary>The hidden pre-activations of rows x [rows, d_in]: [rows, d_sae].</summary>
    public double[] Pre(float[] x, int rows)
    {
        float[] wEnc = weights["W_enc"], bEnc = weights["b_enc"], bDec = weights["b_dec"];
        var pre = new double[rows * DSae];
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < DSae; j++)
            {
                double sum = bEnc[j];
                for (int i = 0; i < DIn; i++) sum += (x[r * DIn + i] - (ApplyBDecToInput ? bDec[i] : 0.0)) * wEnc[i * DSae + j];
                pre[r * DSae + j] = sum;
            }
        return pre;
    }

    /// <summary>SAE.encode of rows x [rows, d_in]: the feature activations [rows, d_sae].</summary>
    public double[] Encode(float[] x, int rows)
    {
        double[] pre = Pre(x, rows), acts = new double[pre.Length];
        for (int r = 0; r < rows; r++)
        {
            var row = pre.AsSpan(r * DSae, DSae);
            HashSet<int>? kept = Architecture == "topk" ? [.. Enumerable.Range(0, DSae).OrderByDescending(j => pre[r * DSae + j]).Take(K)] : null;
            for (int j = 0; j < DSae; j++)
                acts[r * DSae + j] = Architecture switch
                {
                    "topk" => kept!.Contains(j) ? Math.Max(row[j], 0) : 0,
                    "jumprelu" => row[j] > weights["threshold"][j] ? Math.Max(row[j], 0) : 0,
                    _ => Math.Max(row[j], 0),
                };
        }
        return acts;
    }

    /// <summary>SAE.decode of activations [rows, d_sae]: [rows, d_in].</summary>
    public double[] Decode(double[] acts, int rows)
    {
        float[] wDec = weights["W_dec"], bDec = weights["b_dec"];
        var output = new double[rows * DIn];
        for (int r = 0; r < rows; r++)
            for (int i = 0; i < DIn; i++)
            {
                double sum = bDec[i];
                for (int j = 0; j < DSae; j++) sum += acts[r * DSae + j] * wDec[j * DIn + i];
                output[r * DIn + i] = sum;
            }
        return output;
    }
}
