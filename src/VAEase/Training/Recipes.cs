using VAEase.Models;
using VAEase.Networks;

namespace VAEase.Training;

/// <summary>The authors' recipes (spec §2) as default configs: what `vaease train` uses unless a
/// config file or a flag says otherwise.</summary>
public static class Recipes
{
    /// <summary>Defaults for a model on a union of linear subspaces ("linear") or of MLP manifolds
    /// ("mlp"), where <paramref name="largestPiece"/> sets SAE-TopK's k (the size of the largest manifold).</summary>
    public static RunConfig Synthetic(ModelKind kind, string family, string data, int inputDim, int largestPiece)
    {
        bool variational = kind is ModelKind.VAEase or ModelKind.Vae;
        if (family == "linear")
        {
            int kappa = 20;
            return new RunConfig
            {
                Data = data,
                Model = new ModelConfig
                {
                    Kind = kind, InputDim = inputDim, Latent = kappa, Encoder = EncoderKind.SwishMlp, Decoder = DecoderKind.Linear,
                    LogGammaInit = -0.5, L1 = 1e-3, L2 = 1e-4, TopK = Math.Min(largestPiece, kappa),
                },
                Training = new TrainConfig { Epochs = 150, BatchSize = 1024, LearningRate = variational ? 0.01 : 0.002, RestartPeriod = 10 },
            };
        }
        if (family == "mlp")
        {
            int kappa = 60;
            return new RunConfig
            {
                Data = data,
                Model = new ModelConfig
                {
                    Kind = kind, InputDim = inputDim, Latent = kappa, Encoder = EncoderKind.ResidualMlp, Decoder = DecoderKind.ResidualMlp,
                    LogGammaInit = -0.5, L1 = kind == ModelKind.SaeLog ? 5e-6 : 5e-4, L2 = 1e-5, TopK = Math.Min(largestPiece, kappa),
                },
                Training = new TrainConfig { Epochs = 310, BatchSize = 1024, LearningRate = 0.005, RestartPeriod = 10 },
            };
        }
        throw new ArgumentOutOfRangeException(nameof(family), family, "expected linear or mlp");
    }

    /// <summary>Defaults for data without a recipe of its own (a user's matrix): the one-layer
    /// encoder and linear decoder of the activation recipe, kappa = min(4 d, 512).</summary>
    public static RunConfig Generic(ModelKind kind, string data, int inputDim) => new()
    {
        Data = data,
        Model = new ModelConfig
        {
            Kind = kind, InputDim = inputDim, Latent = Math.Min(4 * inputDim, 512), Encoder = EncoderKind.OneLayer, Decoder = DecoderKind.Linear,
            LogGammaInit = -0.5, L1 = 1e-3, L2 = 1e-4, TopK = Math.Min(30, Math.Min(4 * inputDim, 512)),
        },
        Training = new TrainConfig { Epochs = 50, BatchSize = 1024, LearningRate = 0.005, RestartPeriod = 10 },
    };
}
