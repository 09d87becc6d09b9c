using VAEase.IO;
using VAEase.Models;

namespace VAEase.Cli;

/// <summary>Maps config property names to the CLI flags that set them, for error messages.</summary>
public static class Naming
{
    private static readonly Dictionary<string, string> Flags = new()
    {
        ["Latent"] = "--latent", ["Epochs"] = "--epochs", ["BatchSize"] = "--batch", ["LearningRate"] = "--lr",
        ["Seed"] = "--seed", ["TopK"] = "--topk", ["L1"] = "--l1", ["L2"] = "--l2", ["LogEps"] = "--log-eps", ["L0"] = "--l0", ["JumpBandwidth"] = "--jump-bandwidth", ["JumpThreshold"] = "--jump-threshold",
        ["RestartPeriod"] = "--t0", ["CheckpointEvery"] = "--checkpoint-every", ["LogGammaInit"] = "--log-gamma-init", ["MatmulPrecision"] = "--precision", ["Gamma"] = "--gamma", ["ReopenDeadLatents"] = "--reopen",
        ["InputDim"] = "input dimension", ["Data"] = "--data",
        ["ShuffleBuffer"] = "--shuffle-buffer", ["BlockRows"] = "--stream-block", ["EvalRows"] = "--eval-rows",
    };

    public static string Option(string property) => Flags.GetValueOrDefault(property, property);

    /// <summary>Parses a comma-separated option value, e.g. --seeds 1,2,3 or --models vaease,vae.</summary>
    public static T[] ParseList<T>(string text, string option, Func<string, T> parse)
    {
        string[] items = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (items.Length == 0) throw new VAEaseException($"{option} is empty");
        try { return items.Select(parse).ToArray(); }
        catch (FormatException) { throw new VAEaseException($"{option}: cannot parse '{text}'"); }
    }

    /// <summary>Parses --models: documented model names, comma-separated.</summary>
    public static ModelKind[] ParseModels(string text) => ParseList(text, "--models", name => Parse<ModelKind>(name, "model"));

    /// <summary>Parses a documented enum name given on the command line.</summary>
    public static TEnum Parse<TEnum>(string text, string what) where TEnum : struct, Enum => Json.ParseName<TEnum>(text, what);
}
