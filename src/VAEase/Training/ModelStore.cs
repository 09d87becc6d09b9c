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

    /// <summary>Loads weights into <paramref name="model"/>; <paramref name="owner"/> names what the model was built from, for the
    /// message when the weights do not fit it (see <see cref="LoadModule"/>).</summary>
    public static void LoadWeights(string path, SparseAutoencoder model, string owner) => LoadModule(path, model, owner);

    /// <summary>Writes a module's state dict (parameters and buffers) as safetensors, tagged with its kind.</summary>
    public static void SaveModule(string path, nn.Module module, string kind)
    {
        using var scope = NewDisposeScope();
        SafeTensors.Write(path, module.state_dict(), new Dictionary<string, string> { ["format"] = "pt", ["model"] = kind });
    }

    /// <summary>Loads what <see cref="SaveModule"/> wrote into a module of the same architecture. The file must hold exactly
    /// the module's parameters and buffers, each with its dtype and shape, and only finite values; anything else is a
    /// VAEaseException naming the file, the tensor and <paramref name="owner"/> (what the module was built from, e.g. "the
    /// model of DIR/config.json"), before any weight is changed.</summary>
    public static void LoadModule(string path, nn.Module module, string owner)
    {
        using var scope = NewDisposeScope();
        Dictionary<string, Tensor> own = module.state_dict();
        Dictionary<string, Tensor> weights = SafeTensors.ReadExpected(path, [.. own.Select(p => SafeTensors.Layout.Of(p.Key, p.Value))], owner);
        using var noGrad = no_grad();
        foreach (var (name, tensor) in own) tensor.copy_(weights[name]); // in place: an optimizer's views of the parameters stay valid
    }

    /// <summary>Refuses a config whose latent or input dimension alone needs more values than the weights file holds, before a
    /// model of that size is allocated (a config.json edited to latent 10^9 would otherwise exhaust the memory).</summary>
    public static void CheckFits(ModelConfig config, string weights, string configPath)
    {
        long values = SafeTensors.List(weights).Sum(e => e.Shape.Aggregate(1L, (a, b) => a * b));
        if (config.Latent > values || config.InputDim > values)
            throw new VAEaseException($"{weights}: {values} values cannot be the weights of the model of {configPath} (latent {config.Latent}, d = {config.InputDim})");
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
        string owner = $"the model of {Path.Combine(dir, ConfigFile)}";
        CheckFits(run.Model, weights, Path.Combine(dir, ConfigFile));
        SparseAutoencoder model = ModelFactory.Create(run.Model);
        try { LoadWeights(weights, model, owner); }
        catch
        {
            model.Dispose();
            throw;
        }
        if (device is not null) model.to(device);
        model.eval();
        return (model, run);
    }
}
