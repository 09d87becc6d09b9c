using VAEase.IO;

namespace VAEase.Cli;

/// <summary>Maps config property names to the CLI flags that set them, for error messages.</summary>
public static class Naming
{
    private static readonly Dictionary<string, string> Flags = new()
    {
        ["Latent"] = "--latent", ["Epochs"] = "--epochs", ["BatchSize"] = "--batch", ["LearningRate"] = "--lr",
        ["Seed"] = "--seed", ["TopK"] = "--topk", ["L1"] = "--l1", ["L2"] = "--l2", ["LogEps"] = "--log-eps",
        ["RestartPeriod"] = "--t0", ["CheckpointEvery"] = "--checkpoint-every", ["LogGammaInit"] = "--log-gamma-init",
        ["InputDim"] = "input dimension", ["Data"] = "--data",
    };

    public static string Option(string property) => Flags.GetValueOrDefault(property, property);

    /// <summary>Parses a documented enum name given on the command line.</summary>
    public static TEnum Parse<TEnum>(string text, string what) where TEnum : struct, Enum => Json.ParseName<TEnum>(text, what);
}
