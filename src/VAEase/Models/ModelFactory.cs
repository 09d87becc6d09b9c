namespace VAEase.Models;

/// <summary>Creates a freshly initialised model (PyTorch default initialisation) from its config.</summary>
public static class ModelFactory
{
    /// <summary>Seeds libtorch's global generator and creates the model while no other thread of this process does the same:
    /// layer initialisation draws from that one generator, so two trainings started at once in one process (parallel
    /// tests, a host running several) would otherwise interleave their draws and lose their seeds' reproducibility.</summary>
    public static SparseAutoencoder Create(ModelConfig config, long seed) => Seeded(seed, () => Create(config));

    /// <summary>Runs <paramref name="create"/> (which initialises modules from libtorch's global generator) right after
    /// seeding that generator, while no other caller of this method does the same (see <see cref="Create(ModelConfig, long)"/>).</summary>
    public static T Seeded<T>(long seed, Func<T> create)
    {
        lock (SeedLock)
        {
            TorchSharp.torch.manual_seed(seed);
            return create();
        }
    }

    private static readonly object SeedLock = new();

    public static SparseAutoencoder Create(ModelConfig config) => config.Validate().Kind switch
    {
        ModelKind.VAEase => new VAEaseModel(config),
        ModelKind.Vae => new VaeModel(config),
        ModelKind.SaeL1 => new SaeL1(config),
        ModelKind.SaeLog => new SaeLog(config),
        ModelKind.SaeTopK => new SaeTopK(config),
        ModelKind.SaeBatchTopK => new SaeBatchTopK(config),
        ModelKind.SaeJumpRelu => new SaeJumpRelu(config),
        _ => throw new ArgumentOutOfRangeException(nameof(config), config.Kind, "unknown model kind"),
    };
}
