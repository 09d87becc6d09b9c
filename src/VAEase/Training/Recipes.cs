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
        return family switch
        {
            "linear" => Recipe(kind, data, inputDim, kappa: 20, EncoderKind.SwishMlp, DecoderKind.Linear, l1: 1e-3, l2: 1e-4,
                topK: largestPiece, epochs: 150, batch: 1024, lr: variational ? 0.01 : 0.002),
            "mlp" => Recipe(kind, data, inputDim, kappa: 60, EncoderKind.ResidualMlp, DecoderKind.ResidualMlp,
                l1: kind == ModelKind.SaeLog ? 5e-6 : 5e-4, l2: 1e-5, topK: largestPiece, epochs: 310, batch: 1024, lr: 0.005),
            _ => throw new ArgumentOutOfRangeException(nameof(family), family, "expected linear or mlp"),
        };
    }

    /// <summary>Defaults for an image set ("mnist" or "fashion-mnist"): the residual conv networks, kappa 32,
    /// batch 2048, lr 0.05, T_0 20, 300 epochs, the per-dataset SAE penalties and TopK k = 16 (spec §2). The
    /// authors' initial log gamma is -7 on Fashion-MNIST; MNIST, unstated, uses the same.</summary>
    public static RunConfig Images(ModelKind kind, string set, string data, int inputDim)
    {
        bool mnist = set switch
        {
            "mnist" => true,
            "fashion-mnist" => false,
            _ => throw new ArgumentOutOfRangeException(nameof(set), set, "expected mnist or fashion-mnist"),
        };
        var (l1, l2) = (kind, mnist) switch
        {
            (ModelKind.SaeL1, true) => (0.5, 0.1),
            (ModelKind.SaeLog, true) => (1e-2, 5e-2),
            (ModelKind.SaeL1, false) => (2e-2, 2e-2),
            (ModelKind.SaeLog, false) => (1.3e-2, 2e-2),
            _ => (0.0, 0.0),
        };
        RunConfig run = Recipe(kind, data, inputDim, kappa: 32, EncoderKind.ResidualConv, DecoderKind.ResidualConv, l1, l2,
            topK: 16, epochs: 300, batch: 2048, lr: 0.05, logGammaInit: -7);
        return run with { Training = run.Training with { RestartPeriod = 20 } };
    }

    /// <summary>Defaults for pseudo-MNIST (appendix D.3): the MNIST conv networks with kappa 100, batch 512, lr 0.005,
    /// T_0 50, 35 epochs (log gamma as on MNIST).</summary>
    public static RunConfig PseudoMnist(ModelKind kind, string data, int inputDim)
    {
        RunConfig mnist = Images(kind, "mnist", data, inputDim);
        return mnist with
        {
            Model = mnist.Model with { Latent = 100 },
            Training = mnist.Training with { Epochs = 35, BatchSize = 512, LearningRate = 0.005, RestartPeriod = 50 },
        };
    }

    /// <summary>Defaults for data without a recipe of its own (a user's matrix): the one-layer
    /// encoder and linear decoder of the activation recipe, kappa = min(4 d, 512).</summary>
    public static RunConfig Generic(ModelKind kind, string data, int inputDim)
    {
        int kappa = Math.Min(4 * inputDim, 512);
        return Recipe(kind, data, inputDim, kappa, EncoderKind.OneLayer, DecoderKind.Linear, l1: 1e-3, l2: 1e-4,
            topK: Math.Min(30, kappa), epochs: 50, batch: 1024, lr: 0.005);
    }

    private static RunConfig Recipe(ModelKind kind, string data, int inputDim, int kappa, EncoderKind encoder, DecoderKind decoder,
        double l1, double l2, int topK, int epochs, int batch, double lr, double logGammaInit = -0.5) => new()
    {
        Data = data,
        Model = new ModelConfig
        {
            Kind = kind, InputDim = inputDim, Latent = kappa, Encoder = encoder, Decoder = decoder,
            LogGammaInit = logGammaInit, L1 = l1, L2 = l2, TopK = Math.Min(topK, kappa),
        },
        Training = new TrainConfig { Epochs = epochs, BatchSize = batch, LearningRate = lr, RestartPeriod = 10 },
    };
}
