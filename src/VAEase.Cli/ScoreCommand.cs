using System.CommandLine;
using VAEase.Data;
using VAEase.Generative;
using VAEase.IO;
using VAEase.Training;

namespace VAEase.Cli;

/// <summary>`vaease score train`: the score (diffusion) model that the NB and FLIPD estimators of `vaease id` read.</summary>
public static class ScoreCommand
{
    static readonly ScoreConfig Defaults = new();
    static readonly Option<string> Data = new("--data", "-d") { Description = "data spec (e.g. npy:pseudo-mnist.npy, mnist, table2-linear)", Required = true };
    static readonly Option<string> Out = new("--out", "-o") { Description = "output folder: score.json, score.safetensors, metrics.json", Required = true };
    static readonly Option<int> Epochs = new("--epochs") { Description = $"epochs (default {Defaults.Epochs})", DefaultValueFactory = _ => Defaults.Epochs };
    static readonly Option<int> Hidden = new("--hidden") { Description = $"hidden width of the MLP (default {Defaults.Hidden})", DefaultValueFactory = _ => Defaults.Hidden };
    static readonly Option<int> Batch = new("--batch") { Description = $"batch size (default {Defaults.BatchSize})", DefaultValueFactory = _ => Defaults.BatchSize };
    static readonly Option<double> Lr = new("--lr") { Description = $"peak learning rate, cosine-decayed to 0 (default {Defaults.LearningRate})", DefaultValueFactory = _ => Defaults.LearningRate };
    static readonly Option<long> Seed = new("--seed") { Description = "seed (default 1)", DefaultValueFactory = _ => 1 };
    static readonly Option<bool> Resume = new("--resume") { Description = "continue the run in --out from its newest checkpoint" };

    public static Command Create()
    {
        var train = new Command("train", "Train a noise-conditional score model (denoising score matching, sigma in [0.005, 5]) on data.")
        {
            Data, Out, Epochs, Hidden, Batch, Lr, Seed, Resume, TrainCommand.DeviceOption, TrainCommand.Threads,
        };
        train.SetAction(parse => Cli.WithCancellation(token => RunTrain(parse, token)));
        return new Command("score", "The diffusion score model behind the NB and FLIPD estimators (`vaease id --methods nb,flipd --score DIR`).") { train };
    }

    private static int RunTrain(ParseResult parse, CancellationToken token)
    {
        string outDir = parse.GetValue(Out)!;
        var device = Devices.Setup(parse.GetValue(TrainCommand.DeviceOption)!, parse.GetValue(TrainCommand.Threads));
        bool resume = parse.GetValue(Resume);
        string? spec = resume ? null : parse.GetValue(Data);
        if (spec is not null) new OutputGuard().Data(spec).OutputFolder(outDir, "--out");
        using RunLock claim = RunLock.Acquire(outDir);
        ScoreConfig config = Stage.ConfigOfRun(outDir, resume, ScoreRun.Files, () => new ScoreConfig { Data = spec! });
        var (train, test) = DataSpec.LoadTrainTest(config.Data, 0.1, config.Seed);
        using (train)
        using (test)
        {
            if (!resume)
                config = ScoreRun.For(train, config.Data) with
                {
                    Epochs = parse.GetValue(Epochs), Hidden = parse.GetValue(Hidden), BatchSize = parse.GetValue(Batch),
                    LearningRate = parse.GetValue(Lr), Seed = parse.GetValue(Seed),
                };
            config.Validate();
            string announce = $"training a score model on {config.Data}: {train.Count} rows, d = {train.Dim}, hidden {config.Hidden} x {config.Blocks} blocks, " +
                              $"sigma in [{config.SigmaMin}, {config.SigmaMax}], {config.Epochs} epochs of {Trainer.BatchesPerEpoch(train.Count, config.BatchSize)} steps";
            var history = ScoreRun.Train(config, train, outDir, Cli.TrainOptions(device, "score", token, resume) with { Starting = () => Console.Error.WriteLine(announce) });
            var last = history[^1];
            Console.WriteLine($"trained the score model in {history.Sum(h => h.Seconds):F0} s; last epoch: loss {last.Loss:G4} (low-noise half {last.SquaredError:G4})");
            Console.WriteLine($"saved to {outDir}; estimate with: vaease id --data {config.Data} --methods nb,flipd --score {outDir}");
        }
        return 0;
    }
}
