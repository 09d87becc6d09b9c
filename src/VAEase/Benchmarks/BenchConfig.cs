using VAEase.Models;
using VAEase.Networks;

namespace VAEase.Benchmarks;

/// <summary>One training-step configuration to time: a model, its batch, and the optimiser.</summary>
/// <param name="Name">Short name, e.g. "linear-union".</param>
/// <param name="Model">The model (its InputDim is d).</param>
/// <param name="BatchSize">Samples per step.</param>
/// <param name="LearningRate">Adam's learning rate.</param>
public sealed record BenchConfig(string Name, ModelConfig Model, int BatchSize, double LearningRate)
{
    /// <summary>The configurations: (a) the linear-union recipe, (b) the LM-activation recipe, for one model kind.</summary>
    public static IEnumerable<BenchConfig> Standard(ModelKind kind)
    {
        yield return new BenchConfig("linear-union", new ModelConfig
        {
            Kind = kind, InputDim = 40, Latent = 20, Encoder = EncoderKind.SwishMlp, Decoder = DecoderKind.Linear, TopK = 4,
        }, 1024, kind is ModelKind.VAEase or ModelKind.Vae ? 0.01 : 0.002);
        yield return new BenchConfig("lm-activations", new ModelConfig
        {
            Kind = kind, InputDim = 512, Latent = 300, Encoder = EncoderKind.OneLayer, Decoder = DecoderKind.Linear, TopK = 30,
            LogGammaInit = -10, L1 = kind == ModelKind.SaeLog ? 1e-2 : 0.32, L2 = 0.2, LogEps = 1e-4,
        }, 2048, 0.005);
    }
}
