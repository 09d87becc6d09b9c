using VAEase.IO;
using VAEase.Networks;

namespace VAEase.Models;

/// <summary>What a model of a config costs, known from the config alone, before a tensor is allocated: its dense
/// (Linear) layers, hence a lower bound on its parameters and on the activations a row leaves for the backward pass.
/// Convolutions, batch norm and PReLU are left out, so every figure here is at most the truth (ModelSizeTests):
/// a need computed from them refuses only what cannot work.</summary>
public static class ModelSize
{
    /// <summary>The largest input or latent dimension a config may name: 2^26, far above any data set's d or any
    /// dictionary's size, and small enough that the widths the networks derive from it (up to 8 kappa) stay ints.</summary>
    public const int MaxDimension = 1 << 26;

    /// <summary>One Linear layer's fan-in and fan-out.</summary>
    public readonly record struct Dense(double In, double Out);

    /// <summary>The Linear layers of the model <paramref name="config"/> describes, encoder first (see NetworkFactory).</summary>
    public static IReadOnlyList<Dense> Layers(ModelConfig config)
    {
        double d = config.InputDim, kappa = config.Latent;
        var layers = new List<Dense>();
        if (config.IsVariational)
        {
            layers.AddRange(Encoder(config.Encoder, d, 2 * kappa, kappa));
            if (config.Encoder == EncoderKind.OneLayer) layers.Add(new(kappa, kappa)); // the variance head
        }
        else
            layers.AddRange(Encoder(config.Encoder == EncoderKind.OneLayer ? EncoderKind.Linear : config.Encoder, d, kappa, kappa));
        layers.AddRange(Decoder(config.Decoder, kappa, d));
        return layers;
    }

    /// <summary>Parameters of the Linear layers (weights and biases): at most the model's.</summary>
    public static double Parameters(ModelConfig config) => Layers(config).Sum(l => l.In * l.Out + l.Out);

    /// <summary>Floats one row leaves behind in the forward pass (every Linear layer's output).</summary>
    public static double ActivationsPerRow(ModelConfig config) => Layers(config).Sum(l => l.Out);

    /// <summary>Bytes a training step of <paramref name="batchRows"/> rows needs at least: float32 weights, their gradients
    /// and Adam's two moments, and the batch's activations with their gradients.</summary>
    public static double TrainingBytes(ModelConfig config, long batchRows) =>
        4 * (4 * Parameters(config) + batchRows * (config.InputDim + 2 * ActivationsPerRow(config)));

    /// <summary>Bytes a forward pass of <paramref name="batchRows"/> rows needs at least without gradients: the weights, the
    /// batch and its code.</summary>
    public static double EvalBytes(ModelConfig config, long batchRows) =>
        4 * (Parameters(config) + batchRows * (config.InputDim + 2.0 * config.Latent));

    /// <summary>Refuses a training of this model on batches of <paramref name="batchRows"/> rows that needs more memory
    /// than the machine has available, naming the options that set the sizes.</summary>
    public static void RequireTraining(ModelConfig config, long batchRows) =>
        MemoryBudget.Require(TrainingBytes(config, batchRows),
            $"training {Json.Name(config.Kind)} (--latent {config.Latent}, d = {config.InputDim}, --encoder {Json.Name(config.Encoder)}, --batch {batchRows})",
            "lower --latent or --batch");

    private static IEnumerable<Dense> Encoder(EncoderKind kind, double d, double outDim, double kappa) => kind switch
    {
        EncoderKind.Linear or EncoderKind.OneLayer => [new(d, outDim)],
        EncoderKind.SwishMlp => [new(d, 2 * kappa), new(2 * kappa, 2 * kappa), new(2 * kappa, 2 * kappa), new(2 * kappa, outDim)],
        EncoderKind.ResidualMlp => [new(d, 2 * kappa), .. Residual(2 * kappa), .. Residual(2 * kappa), .. Residual(2 * kappa), new(2 * kappa, outDim)],
        EncoderKind.ResidualConv => [new(32, 32), new(32, outDim)], // the head after the pooled convolutions
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    private static IEnumerable<Dense> Decoder(DecoderKind kind, double kappa, double d) => kind switch
    {
        DecoderKind.Linear => [new(kappa, d)],
        DecoderKind.Mlp => [new(kappa, 2 * kappa), new(2 * kappa, d)],
        DecoderKind.ResidualMlp => [new(kappa, 2 * kappa), .. Residual(2 * kappa), .. Residual(2 * kappa), .. Residual(2 * kappa), new(2 * kappa, d)],
        DecoderKind.ResidualConv => [new(kappa, d)], // to 16 x (side/4)^2 = d values, before the up-blocks
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>A ResidualBlock of width w: w -> 4w -> 4w -> w.</summary>
    private static Dense[] Residual(double w) => [new(w, 4 * w), new(4 * w, 4 * w), new(4 * w, w)];
}
