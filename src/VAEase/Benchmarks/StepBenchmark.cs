using System.Diagnostics;
using TorchSharp;
using TorchSharp.Modules;
using VAEase.Data;
using VAEase.Evaluation;
using VAEase.Models;
using VAEase.Training;
using static TorchSharp.torch;

namespace VAEase.Benchmarks;

/// <summary>Times the real training step (<see cref="Trainer"/>'s) of a configuration, and the machine's GEMM rate.</summary>
public sealed class StepBenchmark : IDisposable
{
    private readonly SparseAutoencoder model;
    private readonly AdamOptimizer optimizer;
    private readonly Tensor data, order;
    private readonly Generator noise;
    private readonly int batches;
    private int next;

    public StepBenchmark(BenchConfig config, Device device, int batchesOfData = 8)
    {
        Config = config;
        Device = device;
        manual_seed(0);
        model = ModelFactory.Create(config.Model);
        model.UseMatmulPrecision(config.Precision);
        model.to(device);
        model.train();
        noise = new Generator(1, device);
        model.Noise = noise;
        optimizer = new AdamOptimizer(model.parameters());
        batches = batchesOfData;
        long rows = config.BatchSize * (long)batchesOfData;
        (data, DataFile) = Data(config, rows);
        order = arange(data.shape[0]);
        Flops = StepCost.Flops(model, config.BatchSize);
        Parameters = model.parameters().Sum(p => p.numel());
    }

    /// <summary>The IDX file whose first images are the data, or null for random data (see <see cref="BenchConfig.ImageSet"/>).</summary>
    public string? DataFile { get; }

    /// <summary>What the step reads, for the report.</summary>
    public string DataDescription => Config.ImageSet is null ? "standard normal" : DataFile is null ? $"uniform random {Config.ImageSet}-shaped images ({Config.ImageSet} is not installed)" : $"{Config.ImageSet} training images";

    /// <summary>Trainable parameters of the model.</summary>
    public long Parameters { get; }

    public BenchConfig Config { get; }

    public Device Device { get; }

    /// <summary>Matmul FLOPs of one step (see <see cref="StepCost.Flops"/>).</summary>
    public double Flops { get; }

    /// <summary>Runs <paramref name="steps"/> training steps and returns the seconds they took.</summary>
    public double Run(int steps)
    {
        using GcPause.Scope gcPause = GcPause.Hold();
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < steps; i++)
        {
            Trainer.Step(model, optimizer, Config.LearningRate, data, order, next, Config.BatchSize, Device);
            next = (next + 1) % batches;
        }
        return clock.Elapsed.TotalSeconds;
    }

    /// <summary>GFLOPS of an n x n x n matmul in float32 (or bfloat16): the median of <paramref name="repeats"/> timings.</summary>
    public static double GemmGflops(int n = 2048, int repeats = 7, ScalarType dtype = ScalarType.Float32)
    {
        using var scope = NewDisposeScope();
        Tensor a = randn(n, n).to(dtype), b = randn(n, n).to(dtype);
        a.matmul(b); // warm-up: thread pool, kernel choice
        var times = new List<double>();
        for (int i = 0; i < repeats; i++)
        {
            using var inner = NewDisposeScope();
            var clock = Stopwatch.StartNew();
            a.matmul(b);
            times.Add(clock.Elapsed.TotalSeconds);
        }
        return 2.0 * n * n * n / Summary.Of(times).Median / 1e9;
    }

    private static (Tensor Data, string? File) Data(BenchConfig config, long rows)
    {
        if (config.ImageSet is null) return (randn(rows, config.Model.InputDim), null);
        if (MatrixSources.FindImageSet(config.ImageSet) is not { } folder) return (rand(rows, config.Model.InputDim), null);
        using Dataset images = MatrixSources.LoadImageSet(config.ImageSet, "train", config.ImageSet);
        if (images.Dim != config.Model.InputDim) throw new VAEaseException($"{config.ImageSet} has d = {images.Dim}, the {config.Name} model expects {config.Model.InputDim}");
        return (images.X.narrow(0, 0, Math.Min(rows, images.Count)).clone(), MatrixSources.FileIn(folder, MatrixSources.ImageFiles[0]));
    }

    public void Dispose()
    {
        optimizer.Dispose();
        model.Dispose();
        noise.Dispose();
        data.Dispose();
        order.Dispose();
    }
}
