using VAEase.Models;

namespace VAEase.Experiments;

/// <summary>What a sweep trains (`vaease sweep`): the grid of every family on one data set. Immutable: derive with `with`.</summary>
public sealed record SweepConfig
{
    /// <summary>The data spec every member trains on.</summary>
    public string Data { get; init; } = "";

    /// <summary>A smoke grid: three values per SAE family, <see cref="QuickEpochs"/> epochs, one cosine cycle.</summary>
    public bool Quick { get; init; }

    /// <summary>Seeds of the VAE family (one member per seed); the SAE grids train at the first.</summary>
    public IReadOnlyList<long> Seeds { get; init; } = [1];

    /// <summary>The families swept, in this order.</summary>
    public IReadOnlyList<ModelKind> Models { get; init; } = AllFamilies;

    /// <summary>Every family, in the order results list them: the SAEs, then VAEase and the VAE.</summary>
    public static readonly IReadOnlyList<ModelKind> AllFamilies =
        [ModelKind.SaeTopK, ModelKind.SaeBatchTopK, ModelKind.SaeL1, ModelKind.SaeLog, ModelKind.SaeJumpRelu, ModelKind.VAEase, ModelKind.Vae];

    /// <summary>Epochs of every member; null: the recipe's (<see cref="QuickEpochs"/> with <see cref="Quick"/>).</summary>
    public int? Epochs { get; init; }

    /// <summary>Epochs of a quick sweep.</summary>
    public const int QuickEpochs = 3;

    /// <summary>Throws ArgumentException naming the first invalid field.</summary>
    public SweepConfig Validate()
    {
        if (string.IsNullOrWhiteSpace(Data)) throw new ArgumentException("a data spec is required", nameof(Data));
        if (Seeds.Count == 0) throw new ArgumentException("at least one seed is required", nameof(Seeds));
        if (Seeds.Distinct().Count() != Seeds.Count) throw new ArgumentException($"a seed is listed twice ({string.Join(",", Seeds)})", nameof(Seeds));
        if (Models.Count == 0) throw new ArgumentException("at least one model is required", nameof(Models));
        if (Models.Distinct().Count() != Models.Count) throw new ArgumentException("a model is listed twice", nameof(Models));
        if (Epochs < 1) throw new ArgumentException($"must be >= 1, got {Epochs}", nameof(Epochs));
        return this;
    }
}
