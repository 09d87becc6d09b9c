using TorchSharp;
using VAEase.IO;
using VAEase.Models;
using static TorchSharp.torch;

namespace VAEase.Training;

/// <summary>A trained model on disk: `config.json` (the RunConfig, reusable with --config) beside
/// `model.safetensors` (the state dict: parameters and batch-norm buffers).</summary>
public static class ModelStore
{
    public const string ConfigFile = "config.json";
    public const string WeightsFile = "model.safetensors";

    public static void SaveWeights(string path, SparseAutoencoder model) => SaveModule(path, model, Json.Name(model.Config.Kind));

    public static void LoadWeights(string path, SparseAutoencoder model) => LoadModule(path, model);

    /// <summary>Writes a module's state dict (parameters and buffers) as safetensors, tagged with its kind.</summary>
    public static void SaveModule(string path, nn.Module module, string kind)
    {
        using var scope = NewDisposeScope();
        SafeTensors.Write(path, module.state_dict(), new Dictionary<string, string> { ["format"] = "pt", ["model"] = kind });
    }

    /// <summary>Loads what <see cref="SaveModule"/> wrote into a module of the same architecture.</summary>
    public static void LoadModule(string path, nn.Module module)
    {
        Dictionary<string, Tensor> weights = SafeTensors.Read(path);
        try
        {
            var (missing, unexpected) = module.load_state_dict(weights, strict: false);
            if (missing.Count > 0 || unexpected.Count > 0)
                throw new VAEaseException($"{path}: weights do not match the model (missing: {string.Join(", ", missing)}; unexpected: {string.Join(", ", unexpected)})");
        }
        finally
        {
            foreach (Tensor t in weights.Values) t.Dispose();
        }
    }

    /// <summary>Loads a trained model directory, in eval mode.</summary>
    public static (SparseAutoencoder Model, RunConfig Run) Load(string dir, Device? device = null)
    {
        if (!Directory.Exists(dir)) throw new VAEaseException($"model directory not found: {dir}");
        string weights = Path.Combine(dir, WeightsFile);
        if (!File.Exists(weights)) throw new VAEaseException($"{dir} holds no trained model ({WeightsFile} is missing; an unfinished run continues with `vaease train --out {dir} --resume`)");
        RunConfig run = Json.Read<RunConfig>(Path.Combine(dir, ConfigFile));
        try { run.Validate(); }
        catch (ArgumentException e) { throw new VAEaseException($"{Path.Combine(dir, ConfigFile)}: {e.Message}", e); }
        SparseAutoencoder model = ModelFactory.Create(run.Model);
        LoadWeights(weights, model);
        if (device is not null) model.to(device);
        model.eval();
        return (model, run);
    }
}
