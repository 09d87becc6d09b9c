using VAEase.Models;
using TorchSharp;
using VAEase.Data;
using VAEase.IO;
using VAEase.Training;
using static TorchSharp.torch;

namespace VAEase.Generative;

/// <summary>A trained score model on disk: DIR/score.json, DIR/score.safetensors, DIR/metrics.json.</summary>
public static class ScoreRun
{
    public const string ConfigFile = "score.json";

    /// <summary>The files of a score-model run: the config, the network and the metrics.</summary>
    public static RunFiles Files { get; } = new(ConfigFile, [ScoreModel.NetworkName + ".safetensors", EpochLoop.MetricsFile], []);

    /// <summary>The default config for a data set: images in [0, 1] are mapped to [-1, 1], anything else is used as it is.</summary>
    public static ScoreConfig For(Dataset data, string spec)
    {
        double min = data.X.min().item<float>(), max = data.X.max().item<float>();
        bool unitRange = min >= 0 && max <= 1;
        return new ScoreConfig { Data = spec, InputDim = data.Dim, Shift = unitRange ? 0.5 : 0, Scale = unitRange ? 2 : 1 };
    }

    /// <summary>Trains a score model on the rows of <paramref name="data"/> into <paramref name="outDir"/>.</summary>
    public static List<EpochMetrics> Train(ScoreConfig config, Dataset data, string outDir, TrainOptions options)
    {
        config.Validate();
        if (data.Dim != config.InputDim) throw new VAEaseException($"the score model expects d = {config.InputDim} but {data.Name} has d = {data.Dim}");
        config.RequireMemory(data.Count);
        using var model = ModelFactory.Seeded(config.Seed, () => new ScoreModel(config, options.Device));
        long steps = (long)Trainer.BatchesPerEpoch(data.Count, config.BatchSize) * config.Epochs;
        var schedule = new LoopSchedule(config.Epochs, config.BatchSize,
            (step, total) => LearningRateSchedule.CosineWarmRestarts(step, config.LearningRate, total, 1, 0), config.Seed, config.CheckpointEvery);
        return EpochLoop.TrainInto(outDir, Files, config, model, data.X, schedule, options,
            h => new { h.Epoch, h.Step, loss = h.Loss, lowNoiseLoss = h.SquaredError, h.LearningRate, h.Seconds });
    }

    /// <summary>The trained network of a score-model folder, in eval mode.</summary>
    public static (ScoreNetwork Network, ScoreConfig Config) Load(string dir, Device? device = null)
    {
        string weights = Path.Combine(dir, ScoreModel.NetworkName + ".safetensors");
        if (!File.Exists(weights)) throw new VAEaseException($"{dir} holds no trained score model ({ScoreModel.NetworkName}.safetensors is missing; an unfinished run continues with `vaease score train --out {dir} --resume`)");
        ScoreConfig config = Json.Read<ScoreConfig>(Path.Combine(dir, ConfigFile));
        config.Validate();
        var network = new ScoreNetwork(config.InputDim, config.Hidden, config.Blocks);
        ModelStore.LoadModule(weights, network, $"the network of {Path.Combine(dir, ConfigFile)}");
        if (device is not null) network.to(device);
        network.eval();
        return (network, config);
    }
}
