namespace VAEase.Models;

/// <summary>Creates a freshly initialised model (PyTorch default initialisation) from its config.</summary>
public static class ModelFactory
{
    public static SparseAutoencoder Create(ModelConfig config) => config.Validate().Kind switch
    {
        ModelKind.VAEase => new VAEaseModel(config),
        ModelKind.Vae => new VaeModel(config),
        ModelKind.SaeL1 => new SaeL1(config),
        ModelKind.SaeLog => new SaeLog(config),
        ModelKind.SaeTopK => new SaeTopK(config),
        _ => throw new ArgumentOutOfRangeException(nameof(config), config.Kind, "unknown model kind"),
    };
}
