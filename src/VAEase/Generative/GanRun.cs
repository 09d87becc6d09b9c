using TorchSharp;
using VAEase.Data;
using VAEase.IO;
using VAEase.Models;
using VAEase.Networks;
using VAEase.Plotting;
using VAEase.Training;
using static TorchSharp.torch;

namespace VAEase.Generative;

/// <summary>A trained GAN on disk (DIR/gan.json, DIR/generator.safetensors, DIR/discriminator.safetensors,
/// DIR/metrics.json) and what is done with it: pseudo-data whose manifold dimension is at most the noise
/// dimension (the paper's pseudo-MNIST, Section 5.3).</summary>
public static class GanRun
{
    public const string ConfigFile = "gan.json";

    /// <summary>The files of a GAN run: the config, the two networks and the metrics, and the sample grid `vaease gan train` draws.</summary>
    public static RunFiles Files { get; } = new(ConfigFile,
        [Gan.GeneratorName + ".safetensors", Gan.DiscriminatorName + ".safetensors", EpochLoop.MetricsFile], ["samples.png"]);

    /// <summary>Trains a GAN on the rows of <paramref name="data"/> (values in [0, 1]) into <paramref name="outDir"/>.</summary>
    public static List<EpochMetrics> Train(GanConfig config, Dataset data, string outDir, TrainOptions options)
    {
        config.Validate();
        config.RequireMemory();
        if (data.Dim != config.InputDim) throw new VAEaseException($"the GAN expects d = {config.InputDim} but {data.Name} has d = {data.Dim}");
        if (data.Count < config.BatchSize) throw new VAEaseException($"{data.Name}: {data.Count} rows are fewer than one batch of {config.BatchSize}");
        using Tensor x = data.X.slice(0, 0, Math.Min(config.Rows ?? data.Count, data.Count), 1);
        double min = x.min().item<float>(), max = x.max().item<float>();
        if (min < 0 || max > 1) throw new VAEaseException($"{data.Name}: the GAN trains on values in [0, 1], found [{min}, {max}]");
        using var gan = ModelFactory.Seeded(config.Seed, () => new Gan(config, options.Device));
        var schedule = new LoopSchedule(config.Epochs, config.BatchSize, (_, _) => config.LearningRate, config.Seed, config.CheckpointEvery);
        return EpochLoop.TrainInto(outDir, Files, config, gan, x, schedule, options,
            h => new { h.Epoch, h.Step, generatorLoss = h.Loss, discriminatorLoss = h.SquaredError, h.Seconds });
    }

    /// <summary>The trained generator of a GAN folder, in eval mode (batch norm uses its running statistics,
    /// so every sample is the same function of its own noise).</summary>
    public static (GanGenerator Generator, GanConfig Config) Load(string dir, Device? device = null)
    {
        GanConfig config = ReadConfig(dir);
        string weights = Path.Combine(dir, Gan.GeneratorName + ".safetensors");
        var generator = new GanGenerator(config.NoiseDim, config.InputDim);
        ModelStore.LoadModule(weights, generator, $"the generator of {Path.Combine(dir, ConfigFile)}");
        if (device is not null) generator.to(device);
        generator.eval();
        return (generator, config);
    }

    /// <summary>The config of a trained GAN folder, without loading its weights; throws if the folder holds no finished GAN.</summary>
    public static GanConfig ReadConfig(string dir)
    {
        if (!File.Exists(Path.Combine(dir, Gan.GeneratorName + ".safetensors")))
            throw new VAEaseException($"{dir} holds no trained GAN ({Gan.GeneratorName}.safetensors is missing; an unfinished run continues with `vaease gan train --out {dir} --resume`)");
        GanConfig config = Json.Read<GanConfig>(Path.Combine(dir, ConfigFile));
        config.Validate();
        return config;
    }

    /// <summary>Writes <paramref name="count"/> samples in [0, 1] as a float32 .npy [count, d], generated in
    /// chunks (the file never has to fit in memory, but has to fit on the disk: checked first); the same seed gives
    /// the same file.</summary>
    public static void Sample(string dir, long count, long seed, string outPath, Device? device = null, IProgress<long>? progress = null)
    {
        if (count < 1) throw new VAEaseException($"the number of samples must be positive, got {count}");
        var (generator, config) = Load(dir, device);
        using var _ = generator;
        MemoryBudget.RequireDisk(4.0 * count * config.InputDim, Path.GetDirectoryName(Path.GetFullPath(outPath))!, $"--n {count} samples of d = {config.InputDim}");
        using var noise = new torch.Generator((ulong)seed, device ?? CPU);
        const int chunk = 8192;
        NpyReader.WriteMatrix(outPath, count, config.InputDim, stream =>
        {
            for (long done = 0; done < count; done += chunk)
            {
                using var scope = NewDisposeScope();
                using var noGrad = no_grad();
                int n = (int)Math.Min(chunk, count - done);
                Tensor images = Generate(generator, config, noise, n);
                stream.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(images.cpu().data<float>().ToArray().AsSpan()));
                progress?.Report(done + n);
            }
        });
    }

    /// <summary>A PNG grid: rows of real images from <paramref name="real"/> above rows of generated ones.</summary>
    public static void SampleGrid(string dir, Dataset real, string pngPath, long seed, int columns = 16, int rowsEach = 4)
    {
        var (generator, config) = Load(dir);
        using var _ = generator;
        int side = ImageShape.Side(config.InputDim) ?? (int)Math.Round(Math.Sqrt(config.InputDim));
        if (side * side != config.InputDim) throw new VAEaseException($"d = {config.InputDim} is not a square image: no sample grid");
        int n = columns * rowsEach;
        if (real.Count < n) throw new VAEaseException($"{real.Name}: {real.Count} images are fewer than the {n} the grid shows");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var noise = new torch.Generator((ulong)seed);
        float[] fake = Generate(generator, config, noise, n).data<float>().ToArray();
        float[] reals = real.X.slice(0, 0, n, 1).contiguous().data<float>().ToArray();
        var rows = new List<IReadOnlyList<float[]>>();
        var labels = new List<string>();
        foreach (var (pixels, label) in new[] { (reals, "real"), (fake, "GAN") })
            for (int r = 0; r < rowsEach; r++)
            {
                rows.Add([.. Enumerable.Range(0, columns).Select(c => pixels.AsSpan((r * columns + c) * config.InputDim, config.InputDim).ToArray())]);
                labels.Add(r == 0 ? label : "");
            }
        ImageGrid.Save(pngPath, rows, side, side, rowLabels: labels, scale: 2);
    }

    /// <summary>n samples in [0, 1] from the generator's noise.</summary>
    private static Tensor Generate(GanGenerator generator, GanConfig config, torch.Generator noise, int n)
    {
        Device device = generator.parameters().First().device;
        Tensor z = randn(n, config.NoiseDim, generator: noise, device: noise.device).to(device);
        return generator.forward(z).add_(Scalars.Of(1)).mul_(Scalars.Of(0.5)).clamp_(Scalars.Of(0), Scalars.Of(1));
    }
}
