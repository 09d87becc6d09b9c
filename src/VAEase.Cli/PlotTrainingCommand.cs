using System.CommandLine;
using VAEase.Experiments;
using VAEase.IO;
using VAEase.Training;

namespace VAEase.Cli;

/// <summary>`vaease plot training`: a training metric per epoch (loss, squared error, log gamma, learning rate) for
/// run folders, finished or still running (from their latest checkpoint), one line per run.</summary>
public static class PlotTrainingCommand
{
    static readonly Option<string> Runs = new("--runs") { Description = "comma-separated run folders (what `vaease train --out` or `reproduce` wrote, e.g. runs/table2/nonlinear/vaease-seed1)", Required = true };
    static readonly Option<string> Metric = new("--metric") { Description = "loss, error (training squared error), log-gamma (VAE family), lr, active-dims (mean per sample), dead (latents) or reopened (VAE family)", DefaultValueFactory = _ => "log-gamma" };
    static readonly Option<string> Out = new("--out", "-o") { Description = "the figure, .png or .svg", DefaultValueFactory = _ => "training.png" };
    static readonly Option<string> JsonPath = new("--json") { Description = "also write each run's per-epoch metrics as JSON to this file" };

    public static Command Create()
    {
        var command = new Command("training", "A training metric per epoch (loss, error, log-gamma, lr, active-dims, dead, reopened) of run folders, finished or in progress, one line per run.")
        {
            Runs, Metric, Out, JsonPath,
        };
        command.SetAction(Run);
        return command;
    }

    private static int Run(ParseResult parse)
    {
        string path = parse.GetValue(Out)!;
        PlotCommand.CheckImagePath(path, "--out");
        TrainingMetric metric = Naming.Parse<TrainingMetric>(parse.GetValue(Metric)!, "metric");
        string[] dirs = Naming.ParseList(parse.GetValue(Runs)!, "--runs", s => s);
        new OutputGuard().Models(dirs, "--runs").Output(path, "--out").OutputIfGiven(parse.GetValue(JsonPath), "--json");
        TrainingHistory[] runs = [.. dirs.Select(TrainingHistory.Read)];
        Figures.TrainingPlot(path, metric, runs);
        foreach (TrainingHistory history in runs)
        {
            EpochMetrics first = history.Epochs[0], last = history.Epochs[^1];
            string state = history.Finished ? "finished" : $"in progress, {last.Epoch}/{history.Run.Training.Epochs} epochs";
            Console.WriteLine($"{history.Dir} ({Json.Name(history.Run.Model.Kind)}, {state}): {Json.Name(metric)} " +
                              $"{Format(first.Value(metric))} after epoch {first.Epoch} → {Format(last.Value(metric))} after epoch {last.Epoch}");
        }
        if (parse.GetValue(JsonPath) is { } json)
            Json.Write(json, new
            {
                command = "plot training", metric, versions = Versions.All,
                runs = runs.Select(r => new { run = r.Dir, r.Finished, config = r.Run, epochs = r.Epochs }),
            });
        Console.WriteLine($"wrote {path}");
        return 0;
    }

    private static string Format(double? value) => value is { } v ? v.ToString("G4", System.Globalization.CultureInfo.InvariantCulture) : "n/a";
}
