using TorchSharp;
using TorchSharp.Modules;
using VAEase.IO;
using VAEase.Models;
using VAEase.Training;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace VAEase.Generative;

/// <summary>A noise-conditional score model for the diffusion-based dimension estimators NB and FLIPD
/// (spec/ID-ESTIMATION.md), trained by denoising score matching on the variance-exploding perturbation
/// y + sigma * eps with log sigma uniform in [log SigmaMin, log SigmaMax].
///
/// One network serves both SDEs: the variance-preserving x_t = alpha x + s eps is the variance-exploding
/// perturbation of x with sigma = s / alpha, scaled by alpha, so every VP score is an exactly rescaled VE
/// score (see <see cref="Intrinsic.DiffusionEstimators.Flipd"/>). The range of sigma is the one the estimators read (NB at sigma ~ 0.01,
/// FLIPD at t0 = 0.05, i.e. sigma ~ 0.17, and its t0 curve); the model is not meant for sampling.</summary>
public sealed record ScoreConfig
{
    /// <summary>The data spec trained on.</summary>
    public string Data { get; init; } = "";

    public int InputDim { get; init; }

    /// <summary>Data are mapped to y = (x - Shift) * Scale before noise is added (images in [0, 1]: shift 0.5,
    /// scale 2, the usual [-1, 1] of diffusion models). The estimators work in the same coordinates.</summary>
    public double Shift { get; init; }
    public double Scale { get; init; } = 1;

    /// <summary>Hidden width and residual blocks of the MLP.</summary>
    public int Hidden { get; init; } = 1024;
    public int Blocks { get; init; } = 3;

    public double SigmaMin { get; init; } = 0.005;
    public double SigmaMax { get; init; } = 5;

    public int Epochs { get; init; } = 20;
    public int BatchSize { get; init; } = 256;

    /// <summary>Peak learning rate of Adam, decayed to 0 by one cosine cycle over the run.</summary>
    public double LearningRate { get; init; } = 1e-3;
    public long Seed { get; init; } = 1;

    /// <summary>Steps between mid-epoch checkpoints (0: epoch ends only).</summary>
    public int CheckpointEvery { get; init; } = 1000;

    public void Validate()
    {
        if (InputDim is < 1 or > ModelSize.MaxDimension) throw new VAEaseException($"input dimension must be in [1, {ModelSize.MaxDimension}], got {InputDim}");
        if (Hidden is < 1 or > ModelSize.MaxDimension || Blocks < 0) throw new VAEaseException($"hidden width must be in [1, {ModelSize.MaxDimension}] and blocks non-negative, got {Hidden} and {Blocks}");
        if (!(SigmaMin > 0) || !(SigmaMax > SigmaMin)) throw new VAEaseException($"need 0 < sigma min < sigma max, got {SigmaMin} and {SigmaMax}");
        if (!(Scale > 0)) throw new VAEaseException($"data scale must be positive, got {Scale}");
        if (Epochs < 1) throw new VAEaseException($"epochs must be positive, got {Epochs}");
        if (BatchSize < 1) throw new VAEaseException($"batch size must be positive, got {BatchSize}");
        if (!(LearningRate > 0)) throw new VAEaseException($"learning rate must be positive, got {LearningRate}");
    }

    /// <summary>Refuses a training whose network (its Linear layers, see <see cref="ScoreNetwork"/>) needs more memory than
    /// the machine has available: weights, gradients and Adam's moments, and a batch's activations.</summary>
    public void RequireMemory(long rows)
    {
        double h = Hidden, parameters = 15.0 * h + InputDim * h + 3.0 * Blocks * h * h + h * InputDim;
        double batch = Math.Min(BatchSize, rows), perRow = InputDim + h * (2 + 3.0 * Blocks) + InputDim;
        MemoryBudget.Require(4 * (4 * parameters + 2 * batch * perRow),
            $"the score model (--hidden {Hidden} x {Blocks} blocks, d = {InputDim}, --batch {BatchSize})", "lower --hidden or --batch");
    }
}

/// <summary>The noise-prediction network eps_hat(y, sigma): an MLP with residual blocks, each told log sigma
/// through Fourier features. The score is -eps_hat / sigma. Rows are independent (no batch statistics),
/// which the exact Jacobian trace of FLIPD relies on.</summary>
public sealed class ScoreNetwork : Module<Tensor, Tensor, Tensor>
{
    /// <summary>Fourier frequencies of log sigma (log sigma spans about 7 units over the trained range).</summary>
    static readonly double[] Frequencies = [0.25, 0.5, 1, 2, 4, 8, 16];

    private readonly Tensor frequencies;
    private readonly Linear embed, input, output;
    private readonly ModuleList<Linear> first, second, conditioning;

    public ScoreNetwork(int inputDim, int hidden, int blocks) : base("score")
    {
        frequencies = tensor(Frequencies, dtype: float32);
        register_buffer("frequencies", frequencies, persistent: false);
        int features = 2 * Frequencies.Length + 1;
        embed = Linear(features, hidden);
        input = Linear(inputDim, hidden);
        first = new ModuleList<Linear>();
        second = new ModuleList<Linear>();
        conditioning = new ModuleList<Linear>();
        for (int b = 0; b < blocks; b++)
        {
            first.Add(Linear(hidden, hidden));
            second.Add(Linear(hidden, hidden));
            conditioning.Add(Linear(hidden, hidden));
        }
        output = Linear(hidden, inputDim);
        using (no_grad())
        {
            output.weight!.zero_();
            output.bias!.zero_();
        }
        RegisterComponents();
    }

    /// <summary>eps_hat for rows <paramref name="y"/> [n, d] at noise levels <paramref name="logSigma"/> [n].</summary>
    public override Tensor forward(Tensor y, Tensor logSigma)
    {
        Tensor angles = logSigma.unsqueeze(1).mul(frequencies);
        Tensor e = functional.silu(embed.forward(cat([logSigma.unsqueeze(1), angles.sin(), angles.cos()], 1)));
        Tensor h = input.forward(y).add_(e);
        for (int b = 0; b < first.Count; b++)
        {
            Tensor inner = first[b].forward(functional.silu(h)).add_(conditioning[b].forward(e));
            h = h.add(second[b].forward(functional.silu(inner)));
        }
        return output.forward(functional.silu(h));
    }
}

/// <summary>A score model being trained: denoising score matching in the noise-prediction form,
/// E || eps_hat(y + sigma eps, sigma) - eps ||^2 (equal weight per log sigma).</summary>
public sealed class ScoreModel : ILoopModel, IDisposable
{
    public const string NetworkName = "score";

    public ScoreModel(ScoreConfig config, Device device)
    {
        Config = config;
        Network = new ScoreNetwork(config.InputDim, config.Hidden, config.Blocks);
        Network.to(device);
        Optimizer = new AdamOptimizer(Network.parameters());
        Modules = new Dictionary<string, Module> { [NetworkName] = Network };
        Optimizers = new Dictionary<string, AdamOptimizer> { [NetworkName] = Optimizer };
    }

    public ScoreConfig Config { get; }
    public ScoreNetwork Network { get; }
    public AdamOptimizer Optimizer { get; }
    public IReadOnlyDictionary<string, Module> Modules { get; }
    public IReadOnlyDictionary<string, AdamOptimizer> Optimizers { get; }

    /// <summary>Maps data rows to the model's coordinates.</summary>
    public static Tensor ToModelSpace(ScoreConfig config, Tensor x) =>
        x.sub(Scalars.Of(config.Shift)).mul_(Scalars.Of(config.Scale));

    /// <summary>Loss = the denoising loss per coordinate; Other = the same loss on the batch's lower half of
    /// noise levels (sigma below the geometric midpoint), where the estimators read the model.</summary>
    public (double Loss, double Other) Step(Tensor batch, double learningRate, torch.Generator noise)
    {
        Tensor y = ToModelSpace(Config, batch);
        long n = y.shape[0];
        double lo = Math.Log(Config.SigmaMin), hi = Math.Log(Config.SigmaMax);
        Tensor logSigma = rand(n, generator: noise, device: y.device).mul_(Scalars.Of(hi - lo)).add_(Scalars.Of(lo));
        Tensor eps = randn(y.shape, generator: noise, device: y.device);
        Tensor noisy = y.add(eps.mul(logSigma.exp().unsqueeze(1)));
        Tensor perSample = Network.forward(noisy, logSigma).sub_(eps).square().mean([1]);
        Tensor loss = perSample.mean();
        Optimizer.ZeroGrad();
        loss.backward();
        Optimizer.Step(learningRate);
        using var noGrad = no_grad();
        Tensor low = logSigma.lt(Scalars.Of((lo + hi) / 2));
        double lowLoss = low.any().item<bool>() ? perSample.masked_select(low).mean().item<float>() : loss.item<float>();
        return (loss.item<float>(), lowLoss);
    }

    public void Dispose()
    {
        Optimizer.Dispose();
        Network.Dispose();
    }
}
