using VAEase.Data;
using VAEase.Models;
using VAEase.Networks;

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

    /// <summary>Stream the training data from disk through a shuffle buffer (docs/streaming.md); null: load it into memory.</summary>
    public StreamConfig? Stream { get; init; }

    /// <summary>Centre (and scale) every row with statistics of the training rows, saved beside the model.</summary>
    public NormalizeMode Normalize { get; init; } = NormalizeMode.None;

    public RunConfig Validate()
    {
        if (string.IsNullOrWhiteSpace(Data)) throw new ArgumentException("a data spec is required", nameof(Data));
        Stream?.Validate();
        Model.Validate();
        Training.Validate();
        if (Training.MatmulPrecision != MatmulPrecision.Float32 && (Model.Encoder == EncoderKind.ResidualConv || Model.Decoder == DecoderKind.ResidualConv))
            throw new ArgumentException("bf16 applies to the linear layers of the MLP and one-layer networks; the conv networks train in fp32", nameof(TrainConfig.MatmulPrecision));
        return this;
    }
}
