using VAEase.Models;

namespace VAEase.Training;

/// <summary>What a training run is: the data, the model and the recipe. Saved as config.json
/// beside the weights, and accepted by `vaease train --config`.</summary>
public sealed record RunConfig
{
    /// <summary>The data spec trained on (see DataSpec).</summary>
    public string Data { get; init; } = "";

    /// <summary>The model's architecture and loss.</summary>
    public ModelConfig Model { get; init; } = new();

    /// <summary>The optimisation recipe.</summary>
    public TrainConfig Training { get; init; } = new();

    public RunConfig Validate()
    {
        if (string.IsNullOrWhiteSpace(Data)) throw new ArgumentException("a data spec is required", nameof(Data));
        Model.Validate();
        Training.Validate();
        return this;
    }
}
