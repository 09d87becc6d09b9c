using VAEase.Models;
using VAEase.Networks;
using VAEase.Training;

namespace VAEase.Benchmarks;

/// <summary>One training-step configuration to time: a model, its batch, and the optimiser.</summary>
/// <param name="Name">Short name, e.g. "linear-union".</param>
/// <param name="Letter">The issue's letter for it ("a", "b", "c"), accepted by --configs as well.</param>
/// <param name="Model">The model (its InputDim is d).</param>
/// <param name="BatchSize">Samples per step.</param>
/// <param name="LearningRate">Adam's learning rate.</param>
public sealed record BenchConfig(string Name, string Letter, ModelConfig Model, int BatchSize, double LearningRate)
{
    /// <summary>The image set whose first training images feed the step when it is installed (else uniform
    /// random images of its shape); null: standard normal data.</summary>
    public string? ImageSet { get; init; }

    /// <summary>A step of seconds: time it one step per interleaved round after a fixed warm-up, instead of
    /// rounds of --round-seconds.</summary>
    public bool SlowStep { get; init; }

    /// <summary>The linear layers' products (bf16: mixed precision, see <see cref="LinearLayer"/>).</summary>
    public MatmulPrecision Precision { get; init; } = MatmulPrecision.Float32;

    /// <summary>The issue's configurations for one model kind: (a) the linear-union recipe, (b) the
    /// LM-activation recipe, (c) the MNIST image recipe (<see cref="Recipes.Images"/>: residual conv networks,
    /// kappa 32, batch 2048), and (d) the nonlinear Table 2 recipe (residual MLPs, d 100, kappa 60, batch 1024),
    /// the step of Table 2's longest runs.</summary>
    public static IEnumerable<BenchConfig> Standard(ModelKind kind)
    {
        yield return new BenchConfig("linear-union", "a", new ModelConfig
        {
            Kind = kind, InputDim = 40, Latent = 20, Encoder = EncoderKind.SwishMlp, Decoder = DecoderKind.Linear, TopK = 4,
        }, 1024, kind is ModelKind.VAEase or ModelKind.Vae ? 0.01 : 0.002);
        yield return new BenchConfig("lm-activations", "b", new ModelConfig
        {
            Kind = kind, InputDim = 512, Latent = 300, Encoder = EncoderKind.OneLayer, Decoder = DecoderKind.Linear, TopK = 30,
            LogGammaInit = -10, L1 = kind == ModelKind.SaeLog ? 1e-2 : 0.32, L2 = 0.2, LogEps = 1e-4,
        }, 2048, 0.005);
        RunConfig mnist = Recipes.Images(kind, "mnist", "mnist", 28 * 28);
        yield return new BenchConfig("conv-mnist", "c", mnist.Model, mnist.Training.BatchSize, mnist.Training.LearningRate)
        {
            ImageSet = "mnist", SlowStep = true,
        };
        RunConfig union = Recipes.Synthetic(kind, "mlp", "table2-mlp", 100, largestPiece: 10);
        yield return new BenchConfig("mlp-union", "d", union.Model, union.Training.BatchSize, union.Training.LearningRate);
    }

    /// <summary>The configuration names selected by a comma-separated list of names or letters ("a,c",
    /// "lm-activations"), in the standard order.</summary>
    public static IReadOnlyList<string> Select(string list)
    {
        BenchConfig[] all = Standard(ModelKind.VAEase).ToArray();
        string[] items = list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (items.Length == 0) throw new VAEaseException("--configs is empty");
        foreach (string item in items)
            if (!all.Any(c => c.Name == item || c.Letter == item))
                throw new VAEaseException($"unknown bench config '{item}' (expected one of: {string.Join(", ", all.Select(c => $"{c.Letter} = {c.Name}"))})");
        return all.Where(c => items.Contains(c.Name) || items.Contains(c.Letter)).Select(c => c.Name).ToArray();
    }
}
