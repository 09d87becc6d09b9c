using System.CommandLine;
using System.Diagnostics;
using VAEase.Data;
using VAEase.Experiments;
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
        ModelKind[] kinds = Naming.ParseModels(parse.GetValue(Models)!);
        int epochs = parse.GetValue(Epochs);
        string outRoot = parse.GetValue(Out)!;
        new OutputGuard().Models(kinds.Select(kind => Path.Combine(outRoot, Json.Name(kind))), "--out").OutputIfGiven(parse.GetValue(JsonPath), "--json");

        using Dataset all = DataSpec.Load(spec);
        var rows = new List<RunResult>();
        var clock = Stopwatch.StartNew();
        foreach (ModelKind kind in kinds)
        {
            RunConfig run = Recipes.For(kind, spec);
            // A short run: one cosine cycle that ends at the minimum learning rate (the recipe's T_0 = 10
            // restarts suit its 66 000 steps, not a few thousand).
            run = (run with { Training = run.Training with { Epochs = epochs, Seed = parse.GetValue(Seed), RestartPeriod = 0 } }).Validate();
            Devices.UseThreadsFor(run);
            string dir = Path.Combine(outRoot, Json.Name(kind));
            using RunLock claim = RunLock.Acquire(dir);
            RunFiles.Autoencoder.Clear(dir); // the demo trains afresh; a folder holding anything but a run is refused
            rows.Add(ExperimentRun.TrainAndEvaluate(run, all, dir,
                Cli.TrainOptions(device, $"{Json.Name(kind),-8}", token)));
        }

        Tables.PrintUnionTable(Console.Out, $"Active dims per manifold, {DataSpec.Canonical(spec)}: test split, {epochs} epochs per model", info.Pieces, rows);
        Console.WriteLine($"total {clock.Elapsed.TotalSeconds:F0} s; models in {outRoot}/<model>; inspect one with: vaease eval --model {Path.Combine(outRoot, "vaease")}");
        if (parse.GetValue(JsonPath) is { } path)
        {
            Json.Write(path, new
            {
                data = DataSpec.Canonical(spec), truth = info.Pieces, epochs, seed = parse.GetValue(Seed), versions = Versions.All,
                models = rows.Select(r => new { model = Json.Name(r.Model), seconds = r.Seconds, results = r.Report }),
            });
            Console.Error.WriteLine($"wrote {path}");
        }
        return 0;
    }
}
