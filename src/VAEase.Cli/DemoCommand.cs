using System.CommandLine;
using System.Diagnostics;
using VAEase.Data;
using VAEase.Evaluation;
using VAEase.IO;
using VAEase.Models;
using VAEase.Training;

namespace VAEase.Cli;

/// <summary>`vaease demo`: the README's main job. Trains VAEase and the four baselines on a small
/// built-in union of linear subspaces and prints each model's active dims per manifold next to the truth.</summary>
public static class DemoCommand
{
    static readonly Option<string> Data = new("--data", "-d") { Description = "a synthetic union (linear:... or mlp:...)", DefaultValueFactory = _ => "demo-linear" };
    static readonly Option<int> Epochs = new("--epochs") { Description = "epochs per model", DefaultValueFactory = _ => 60 };
    static readonly Option<long> Seed = new("--seed") { Description = "training seed", DefaultValueFactory = _ => 1 };
    static readonly Option<string> Models = new("--models") { Description = "comma-separated models", DefaultValueFactory = _ => "vaease,vae,sae-l1,sae-log,sae-topk" };
    static readonly Option<string> Out = new("--out", "-o") { Description = "where the trained models go", DefaultValueFactory = _ => Path.Combine("runs", "demo") };
    static readonly Option<string> JsonPath = new("--json") { Description = "also write the results as JSON to this file" };

    public static Command Create()
    {
        var command = new Command("demo", "Train VAEase and the baselines on a small synthetic union and compare active dims per manifold with the truth.\n\n" + DataSpec.Help)
        {
            Data, Epochs, Seed, Models, Out, JsonPath, TrainCommand.DeviceOption, TrainCommand.Threads,
        };
        command.SetAction(parse => Cli.WithCancellation(token => Run(parse, token)));
        return command;
    }

    private static int Run(ParseResult parse, CancellationToken token)
    {
        var device = Devices.Setup(parse.GetValue(TrainCommand.DeviceOption)!, parse.GetValue(TrainCommand.Threads));
        string spec = parse.GetValue(Data)!;
        DataSpec.Info info = DataSpec.Describe(spec);
        if (info.Family is not ("linear" or "mlp")) throw new VAEaseException($"demo needs a synthetic union with known dims (linear:... or mlp:...), got {spec}");
        ModelKind[] kinds = parse.GetValue(Models)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(name => Naming.Parse<ModelKind>(name, "model")).ToArray();
        int epochs = parse.GetValue(Epochs);
        string outRoot = parse.GetValue(Out)!;

        using Dataset all = DataSpec.Load(spec);
        var rows = new List<(ModelKind Kind, EvalReport Report, double Seconds)>();
        var clock = Stopwatch.StartNew();
        foreach (ModelKind kind in kinds)
        {
            RunConfig run = TrainCommand.Recipe(kind, spec);
            // A short run: one cosine cycle that ends at the minimum learning rate (the recipe's T_0 = 10
            // restarts suit its 66 000 steps, not a few thousand).
            run = (run with { Training = run.Training with { Epochs = epochs, Seed = parse.GetValue(Seed), RestartPeriod = 0 } }).Validate();
            var (train, test) = all.Split(run.Training.TestFraction, run.Training.Seed);
            using (train)
            using (test)
            {
                string dir = Path.Combine(outRoot, Json.Name(kind));
                if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
                TrainResult result = Trainer.Train(run, train, dir, new TrainOptions { Device = device, Progress = new ProgressBar($"{Json.Name(kind),-8}"), Cancellation = token });
                using var model = result.Model;
                rows.Add((kind, Evaluator.Evaluate(model, test, device: device), result.Seconds));
            }
        }

        var w = Console.Out;
        int pieces = info.Pieces.Count;
        string Cells(IEnumerable<double> values) => string.Concat(values.Select(v => $"{v,5:0.#}"));
        w.WriteLine();
        w.WriteLine($"Active dims per manifold, {DataSpec.Canonical(spec)}: test split, {epochs} epochs per model");
        w.WriteLine($"{"",-10}{"per-sample median".PadRight(5 * pieces + 8)}pooled (paper)");
        string names = string.Concat(Enumerable.Range(1, pieces).Select(i => $"{"M" + i,5}"));
        w.WriteLine($"{"model",-10}{names}{"exact",8}{names}{"mean AD",10}{"RE",11}{"time",8}");
        w.WriteLine($"{"truth",-10}{Cells(info.Pieces.Select(p => (double)p))}{"",8}{Cells(info.Pieces.Select(p => (double)p))}");
        foreach (var (kind, r, seconds) in rows)
        {
            double[] median = Enumerable.Range(0, pieces).Select(i => r.MedianActiveDimsPerGroup!.GetValueOrDefault(i, double.NaN)).ToArray();
            double[] pooled = Enumerable.Range(0, pieces).Select(i => (double)r.ActiveDimsPerGroup!.GetValueOrDefault(i, -1)).ToArray();
            bool exact = median.SequenceEqual(info.Pieces.Select(p => (double)p));
            w.WriteLine($"{Json.Name(kind),-10}{Cells(median)}{(exact ? "yes" : "no"),8}{Cells(pooled)}{r.MeanActiveDims,10:F2}{r.Re,11:G3}{seconds,7:F1}s");
        }
        w.WriteLine();
        w.WriteLine("per-sample median: the median over a manifold's test points of each point's active dims (variance split of its");
        w.WriteLine("own log sigma^2, or log|z| for SAEs); pooled: the paper's rule, one split of the manifold's mean activity.");
        w.WriteLine($"total {clock.Elapsed.TotalSeconds:F0} s; models in {outRoot}/<model>; inspect one with: vaease eval --model {Path.Combine(outRoot, "vaease")}");
        if (parse.GetValue(JsonPath) is { } path)
        {
            Json.Write(path, new
            {
                data = DataSpec.Canonical(spec), truth = info.Pieces, epochs, seed = parse.GetValue(Seed), versions = Versions.All,
                models = rows.Select(r => new { model = Json.Name(r.Kind), seconds = r.Seconds, results = r.Report }),
            });
            Console.Error.WriteLine($"wrote {path}");
        }
        return 0;
    }
}
