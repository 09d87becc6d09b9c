using System.CommandLine;
using VAEase.Data;
using VAEase.Generative;
using VAEase.IO;
using VAEase.Training;

namespace VAEase.Cli;

/// <summary>`vaease gan train|sample`: the GAN behind pseudo-MNIST (Section 5.3): data whose manifold
/// dimension is at most the GAN's noise dimension (16), for judging intrinsic-dimension estimators.</summary>
public static class GanCommand
{
    static readonly GanConfig Defaults = new();
    static readonly Option<string> Data = new("--data", "-d") { Description = "images in [0, 1] to imitate (default mnist: its 60 000 training images)", DefaultValueFactory = _ => "mnist" };
    static readonly Option<string> Out = new("--out", "-o") { Description = "output folder: gan.json, generator/discriminator .safetensors, metrics.json, samples.png", Required = true };
    static readonly Option<int> Epochs = new("--epochs") { Description = $"epochs (default {Defaults.Epochs})", DefaultValueFactory = _ => Defaults.Epochs };
    static readonly Option<int> NoiseDim = new("--noise-dim") { Description = $"dimension of the generator's Gaussian input (default {Defaults.NoiseDim})", DefaultValueFactory = _ => Defaults.NoiseDim };
    static readonly Option<long> Seed = new("--seed") { Description = "seed (default 1)", DefaultValueFactory = _ => 1 };
    static readonly Option<bool> Resume = new("--resume") { Description = "continue the run in --out from its newest checkpoint" };

    static readonly Option<string> Model = new("--gan") { Description = "a trained GAN folder", Required = true };
    static readonly Option<long> Count = new("--n") { Description = "samples to write (the paper: 500 000)", DefaultValueFactory = _ => 500_000 };
    static readonly Option<string> SampleOut = new("--out", "-o") { Description = "output .npy file [n, d] in [0, 1] (load it with --data npy:FILE)" };
    static readonly Option<string> Grid = new("--grid") { Description = "also (or only) write a PNG grid of samples under real images of the GAN's data" };

    public static Command Create()
    {
        var train = new Command("train", "Train the GAN (MLP generator with 16-dim noise) on images; writes a grid of samples next to real ones.")
        {
            Data, Out, Epochs, NoiseDim, Seed, Resume, TrainCommand.DeviceOption, TrainCommand.Threads,
        };
        train.SetAction(parse => Cli.WithCancellation(token => RunTrain(parse, token)));
        var sample = new Command("sample", "Write GAN samples as a .npy data set (pseudo-MNIST).")
        {
            Model, Count, SampleOut, Grid, Seed, TrainCommand.DeviceOption, TrainCommand.Threads,
        };
        sample.SetAction(parse => RunSample(parse));
        return new Command("gan", "The GAN that makes pseudo-data of known manifold dimension (pseudo-MNIST).") { train, sample };
    }

    private static int RunTrain(ParseResult parse, CancellationToken token)
    {
        string outDir = parse.GetValue(Out)!;
        var device = Devices.Setup(parse.GetValue(TrainCommand.DeviceOption)!, parse.GetValue(TrainCommand.Threads));
        bool resume = parse.GetValue(Resume);
        if (!resume) new OutputGuard().Data(parse.GetValue(Data)!).OutputFolder(outDir, "--out");
        using RunLock claim = RunLock.Acquire(outDir);
        GanConfig config = Stage.ConfigOfRun(outDir, resume, GanRun.Files, () => new GanConfig
        {
            Data = parse.GetValue(Data)!, Epochs = parse.GetValue(Epochs), NoiseDim = parse.GetValue(NoiseDim), Seed = parse.GetValue(Seed),
        });
        using Dataset data = DataSpec.Load(config.Data);
        config = config with { InputDim = data.Dim };
        config.Validate();
        string announce = $"training the GAN on {config.Data}: {data.Count} images, d = {data.Dim}, noise dim {config.NoiseDim}, " +
                          $"{config.Epochs} epochs of {Trainer.BatchesPerEpoch(data.Count, config.BatchSize)} steps";
        var history = GanRun.Train(config, data, outDir, Cli.TrainOptions(device, "gan", token, resume) with { Starting = () => Console.Error.WriteLine(announce) });
        string grid = Path.Combine(outDir, "samples.png");
        GanRun.SampleGrid(outDir, data, grid, config.Seed);
        var last = history[^1];
        Console.WriteLine($"trained the GAN in {history.Sum(h => h.Seconds):F0} s; last epoch: generator loss {last.Loss:F3}, discriminator loss {last.SquaredError:F3}");
        Console.WriteLine($"saved to {outDir}; real vs generated images: {grid}; pseudo-data: vaease gan sample --gan {outDir} --out pseudo.npy");
        return 0;
    }

    private static int RunSample(ParseResult parse)
    {
        var device = Devices.Setup(parse.GetValue(TrainCommand.DeviceOption)!, parse.GetValue(TrainCommand.Threads));
        string dir = parse.GetValue(Model)!;
        string? outPath = parse.GetValue(SampleOut), grid = parse.GetValue(Grid);
        long count = parse.GetValue(Count), seed = parse.GetValue(Seed);
        if (outPath is null && grid is null) throw new VAEaseException("nothing to write: give --out FILE.npy and/or --grid FILE.png");
        if (outPath is not null && !outPath.EndsWith(".npy", StringComparison.OrdinalIgnoreCase)) throw new VAEaseException($"--out must name a .npy file, got {outPath}");
        new OutputGuard().Model(dir, "--gan").OutputIfGiven(outPath, "--out").OutputIfGiven(grid, "--grid");
        if (grid is not null)
        {
            GanConfig config = GanRun.ReadConfig(dir);
            using Dataset real = DataSpec.Load(config.Data);
            GanRun.SampleGrid(dir, real, grid, seed);
            Console.WriteLine($"wrote {grid} (real {config.Data} images above GAN samples)");
        }
        if (outPath is not null)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            GanRun.Sample(dir, count, seed, outPath, device);
            Console.WriteLine($"wrote {count} samples to {outPath} in {clock.Elapsed.TotalSeconds:F1} s (use it as --data npy:{outPath})");
        }
        return 0;
    }
}
