using TorchSharp;
using TorchSharp.Modules;
using VAEase.IO;
using VAEase.Models;
using VAEase.Training;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace VAEase.Generative;

/// <summary>What a GAN is and how it trains (spec/ID-ESTIMATION.md). The networks are the MLP GAN the spec
/// names as the simpler alternative to the DCGAN: generator 16 -> 128 -> 256 -> 512 -> 1024 -> d (LeakyReLU
/// 0.2, batch norm with eps 0.8 after every hidden layer but the first, tanh output), discriminator
/// d -> 512 -> 256 -> 1 (LeakyReLU 0.2); binary cross-entropy; Adam with betas (0.5, 0.999); plus an R1 penalty
/// on the discriminator (see <see cref="R1"/>).</summary>
public sealed record GanConfig
{
    /// <summary>The data spec trained on (images in [0, 1]; the GAN sees them scaled to [-1, 1]).</summary>
    public string Data { get; init; } = "mnist";

    /// <summary>Train on the first this many rows of the data (null: all).</summary>
    public long? Rows { get; init; }

    /// <summary>Pixels per image (784 for 28x28).</summary>
    public int InputDim { get; init; } = 784;

    /// <summary>Dimension of the Gaussian input: an upper bound on the dimension of the manifold of its samples.</summary>
    public int NoiseDim { get; init; } = 16;

    public int Epochs { get; init; } = 50;
    public int BatchSize { get; init; } = 64;
    public double LearningRate { get; init; } = 2e-4;
    public double Beta1 { get; init; } = 0.5;
    public long Seed { get; init; } = 1;

    /// <summary>Weight gamma of the R1 penalty gamma/2 E_real |grad_x D(x)|^2 on the discriminator (Mescheder et al.,
    /// 2018); 0 gives the reference's plain loss, which collapsed to a handful of digit shapes with 16-dim noise here.</summary>
    public double R1 { get; init; } = 10;

    /// <summary>Steps between mid-epoch checkpoints (0: epoch ends only).</summary>
    public int CheckpointEvery { get; init; } = 2000;

    public void Validate()
    {
        if (InputDim is < 1 or > ModelSize.MaxDimension) throw new VAEaseException($"input dimension must be in [1, {ModelSize.MaxDimension}], got {InputDim}");
        if (NoiseDim is < 1 or > ModelSize.MaxDimension) throw new VAEaseException($"noise dimension must be in [1, {ModelSize.MaxDimension}], got {NoiseDim}");
        if (Epochs < 1) throw new VAEaseException($"epochs must be positive, got {Epochs}");
        if (BatchSize < 2) throw new VAEaseException($"batch size must be at least 2 (batch norm), got {BatchSize}");
        if (Rows < BatchSize) throw new VAEaseException($"rows must be at least one batch ({BatchSize}), got {Rows}");
        if (!(LearningRate > 0)) throw new VAEaseException($"learning rate must be positive, got {LearningRate}");
        if (R1 < 0) throw new VAEaseException($"the R1 weight must be non-negative, got {R1}");
        if (Beta1 is < 0 or >= 1) throw new VAEaseException($"beta1 must be in [0, 1), got {Beta1}");
    }

    /// <summary>Refuses a training whose generator and discriminator (their Linear layers) need more memory than the
    /// machine has available: weights, gradients and Adam's moments, and a batch's activations.</summary>
    public void RequireMemory()
    {
        double noise = NoiseDim, d = InputDim;
        double generator = noise * 128 + 128 * 256 + 256 * 512 + 512 * 1024 + 1024 * d, discriminator = d * 512 + 512 * 256 + 256;
        double perRow = noise + 128 + 256 + 512 + 1024 + 2 * d + 512 + 256 + 1;
        MemoryBudget.Require(4 * (4 * (generator + discriminator) + 2 * BatchSize * perRow),
            $"the GAN (--noise-dim {NoiseDim}, d = {InputDim})", "lower --noise-dim");
    }
}

/// <summary>The generator: Gaussian noise [n, NoiseDim] to images [n, d] in [-1, 1].</summary>
public sealed class GanGenerator : Module<Tensor, Tensor>
{
    private readonly Sequential net;

    public GanGenerator(int noiseDim, int outputDim) : base("generator")
    {
        var layers = new List<(string, Module<Tensor, Tensor>)> { ("fc0", Linear(noiseDim, 128)), ("act0", LeakyReLU(0.2)) };
        int[] widths = [128, 256, 512, 1024];
        for (int i = 1; i < widths.Length; i++)
        {
            layers.Add(($"fc{i}", Linear(widths[i - 1], widths[i])));
            layers.Add(($"bn{i}", BatchNorm1d(widths[i], eps: 0.8)));
            layers.Add(($"act{i}", LeakyReLU(0.2)));
        }
        layers.Add(("out", Linear(widths[^1], outputDim)));
        layers.Add(("tanh", Tanh()));
        net = Sequential(layers);
        RegisterComponents();
    }

    public override Tensor forward(Tensor z) => net.forward(z);
}

/// <summary>The discriminator: images [n, d] in [-1, 1] to logits [n, 1] (real vs generated).</summary>
public sealed class GanDiscriminator : Module<Tensor, Tensor>
{
    private readonly Sequential net;

    public GanDiscriminator(int inputDim) : base("discriminator")
    {
        net = Sequential(("fc0", Linear(inputDim, 512)), ("act0", LeakyReLU(0.2)), ("fc1", Linear(512, 256)),
            ("act1", LeakyReLU(0.2)), ("out", Linear(256, 1)));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => net.forward(x);
}

/// <summary>A GAN being trained: one step updates the generator (non-saturating loss) and then the
/// discriminator on the same generated batch, as the reference code does.</summary>
public sealed class Gan : ILoopModel, IDisposable
{
    public const string GeneratorName = "generator", DiscriminatorName = "discriminator";

    public Gan(GanConfig config, Device device)
    {
        Config = config;
        Generator = new GanGenerator(config.NoiseDim, config.InputDim);
        Discriminator = new GanDiscriminator(config.InputDim);
        Generator.to(device);
        Discriminator.to(device);
        GeneratorOptimizer = new AdamOptimizer(Generator.parameters(), config.Beta1);
        DiscriminatorOptimizer = new AdamOptimizer(Discriminator.parameters(), config.Beta1);
        Modules = new Dictionary<string, Module> { [GeneratorName] = Generator, [DiscriminatorName] = Discriminator };
        Optimizers = new Dictionary<string, AdamOptimizer> { [GeneratorName] = GeneratorOptimizer, [DiscriminatorName] = DiscriminatorOptimizer };
    }

    public GanConfig Config { get; }
    public GanGenerator Generator { get; }
    public GanDiscriminator Discriminator { get; }
    public AdamOptimizer GeneratorOptimizer { get; }
    public AdamOptimizer DiscriminatorOptimizer { get; }
    public IReadOnlyDictionary<string, Module> Modules { get; }
    public IReadOnlyDictionary<string, AdamOptimizer> Optimizers { get; }

    /// <summary>Loss = the generator's, Other = the discriminator's.</summary>
    public (double Loss, double Other) Step(Tensor batch, double learningRate, torch.Generator noise)
    {
        Tensor real = batch.mul(Scalars.Of(2)).sub_(Scalars.Of(1));
        long n = real.shape[0];
        Tensor ones = torch.ones(n, 1, device: real.device), zeros = torch.zeros(n, 1, device: real.device);
        Tensor fake = Generator.forward(randn(n, Config.NoiseDim, generator: noise, device: real.device));

        Tensor generatorLoss = functional.binary_cross_entropy_with_logits(Discriminator.forward(fake), ones);
        GeneratorOptimizer.ZeroGrad();
        generatorLoss.backward();
        GeneratorOptimizer.Step(learningRate);

        Tensor realInput = Config.R1 > 0 ? real.detach().requires_grad_(true) : real;
        Tensor realLogits = Discriminator.forward(realInput);
        Tensor discriminatorLoss = functional.binary_cross_entropy_with_logits(realLogits, ones)
            .add(functional.binary_cross_entropy_with_logits(Discriminator.forward(fake.detach()), zeros)).mul_(Scalars.Of(0.5));
        if (Config.R1 > 0)
        {
            Tensor gradient = autograd.grad([realLogits.sum()], [realInput], retain_graph: true, create_graph: true)[0];
            discriminatorLoss = discriminatorLoss.add(gradient.square().sum(1).mean().mul_(Scalars.Of(Config.R1 / 2)));
        }
        DiscriminatorOptimizer.ZeroGrad();
        discriminatorLoss.backward();
        DiscriminatorOptimizer.Step(learningRate);
        return (generatorLoss.item<float>(), discriminatorLoss.item<float>());
    }

    public void Dispose()
    {
        GeneratorOptimizer.Dispose();
        DiscriminatorOptimizer.Dispose();
        Generator.Dispose();
        Discriminator.Dispose();
    }
}
