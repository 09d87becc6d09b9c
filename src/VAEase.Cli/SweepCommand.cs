using System.CommandLine;
using VAEase.Experiments;
using VAEase.IO;
using VAEase.Models;

namespace VAEase.Cli;

/// <summary>`vaease sweep`: the sparsity-error frontier of the SAE families against VAEase and the VAE on one data set
/// (docs/sweep.md); `vaease sweep report` gathers it, `vaease sweep train` trains members on one shared pass.</summary>
public static class SweepCommand
{
    static readonly Option<string> Data = new("--data", "-d") { Description = "data spec, e.g. demo-linear (see `vaease demo --help` for all)" };
    static readonly Option<string> Out = new("--out", "-o") { Description = "the sweep's folder: one run folder per member (<family>/<knob>=<value>/), plan/, results.json, frontier.png", Required = true };
    static readonly Option<bool> Quick = new("--quick") { Description = "a smoke sweep: 3 values per SAE family, 3 epochs, one cosine cycle" };
    static readonly Option<int> Jobs = new("--jobs") { Description = "member processes at once", DefaultValueFactory = _ => 1 };
    static readonly Option<int?> Threads = new("--threads") { Description = "libtorch threads of each member process, and of the evaluation of the finished members after them (default: the cores divided among --jobs; the evaluation: libtorch's choice)" };
    static readonly Option<bool> PlanOnly = new("--plan-only") { Description = "write the member folders, plan/jobs.txt (one `vaease train` a line) and plan/slurm.sh (an array job), and train nothing" };
    static readonly Option<bool> Report = new("--report") { Description = "only gather the finished members (as `vaease sweep report`)" };
    static readonly Option<string> Seeds = new("--seeds") { Description = "comma-separated seeds of VAEase and the VAE (one member each); the SAE grids train at the first", DefaultValueFactory = _ => "1" };
    static readonly Option<string> Models = new("--models") { Description = "comma-separated families", DefaultValueFactory = _ => string.Join(",", SweepConfig.AllFamilies.Select(Json.Name)) };
    static readonly Option<int?> Epochs = new("--epochs") { Description = "epochs of every member (default: the recipe's; 3 with --quick)" };
    static readonly Option<bool> Share = new("--shared-pass") { Description = "train the members that draw the same batches in one process on one pass over the data (results are bit-identical); false: one process per member", DefaultValueFactory = _ => true };
    static readonly Argument<string[]> Dirs = new("dirs") { Description = "run folders holding the config.json of a planned (or started) run", Arity = ArgumentArity.OneOrMore };

    public static Command Create()
    {
        var sweep = new Command("sweep", "Sweep every family's sparsity knob (SAE k, lambda1, lambda) and VAEase/VAE seeds on one data set: " +
                                         "train each member, evaluate it, and draw the L0-FVU frontier with the gap of each SAE to VAEase.")
        {
            Data, Out, Quick, Jobs, Threads, PlanOnly, Report, Seeds, Models, Epochs, Share, TrainCommand.DeviceOption,
        };
        sweep.SetAction(parse => Cli.WithCancellation(token => Run(parse, token)));

        var report = new Command("report", "Gather a sweep's finished members (trained here or by plan/jobs.txt elsewhere) into results.json, frontier.png and the gap table.")
        {
            Out, TrainCommand.DeviceOption, TrainCommand.Threads,
        };
        report.SetAction(parse => Print(SweepReport.Write(parse.GetValue(Out)!,
            Devices.Setup(parse.GetValue(TrainCommand.DeviceOption)!, parse.GetValue(TrainCommand.Threads)), Console.Error), parse.GetValue(Out)!));

        var train = new Command("train", "Train the runs planned in these folders in one process, on one pass over their shared data (they must draw the same batches); started ones resume.")
        {
            Dirs, TrainCommand.DeviceOption, TrainCommand.Threads,
        };
        train.SetAction(parse => Cli.WithCancellation(token => Train(parse, token)));
        sweep.Subcommands.Add(report);
        sweep.Subcommands.Add(train);
        return sweep;
    }

    private static int Run(ParseResult parse, CancellationToken token)
    {
        string root = parse.GetValue(Out)!;
        // --threads holds for the evaluation in this process too (it ran on libtorch's default, every core, whatever --threads said)
        var device = Devices.Setup(parse.GetValue(TrainCommand.DeviceOption)!, parse.GetValue(Threads));
        if (parse.GetValue(Report)) return Print(SweepReport.Write(root, device, Console.Error), root);
        var config = new SweepConfig
        {
            Data = parse.GetValue(Data) ?? throw new VAEaseException("--data is required (e.g. --data demo-linear)"),
            Quick = parse.GetValue(Quick),
            Seeds = Naming.ParseList(parse.GetValue(Seeds)!, "--seeds", long.Parse),
            Models = Naming.ParseModels(parse.GetValue(Models)!),
            Epochs = parse.GetValue(Epochs),
        };
        var options = new SweepOptions
        {
            Jobs = parse.GetValue(Jobs), Threads = parse.GetValue(Threads), SharedPass = parse.GetValue(Share), Device = parse.GetValue(TrainCommand.DeviceOption)!,
        };
        if (parse.GetValue(PlanOnly))
        {
            SweepPlanned plan = Sweep.Plan(config, root, options);
            Console.WriteLine($"planned {plan.Members.Count} members in {root}: {plan.Members.Count(m => m.State == MemberState.Finished)} finished, {plan.Jobs.Count} to train");
            Console.WriteLine($"jobs: {plan.JobsFile} ({plan.Jobs.Count} lines, one `vaease train` each)");
            if (plan.SlurmFile is { } slurm) Console.WriteLine($"slurm: sbatch {slurm}");
            Console.WriteLine($"then: vaease sweep report -o {root}");
            return 0;
        }
        SweepOutcome outcome;
        try
        {
            outcome = Sweep.Run(config, root, options, device, Console.Error, token);
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("interrupted: the running members wrote checkpoints; the same `vaease sweep` command resumes them");
            return Cli.Interrupted;
        }
        Print(outcome.Results, root);
        if (outcome.Jobs.Where(j => j.ExitCode != 0).ToList() is { Count: > 0 } failed)
            throw new VAEaseException($"{failed.Count} of {outcome.Jobs.Count} jobs failed (their members are left out): see {string.Join(", ", failed.Select(j => j.Log))}");
        return 0;
    }

    private static int Train(ParseResult parse, CancellationToken token)
    {
        var device = Devices.Setup(parse.GetValue(TrainCommand.DeviceOption)!, parse.GetValue(TrainCommand.Threads));
        string[] dirs = parse.GetValue(Dirs)!;
        var results = SharedPass.Train(dirs, Cli.TrainOptions(device, $"shared pass of {dirs.Length}", token), Devices.UseThreadsFor);
        foreach (SharedPassResult r in results)
            Console.WriteLine($"trained {Json.Name(r.Run.Model.Kind)} in {r.Dir} in {r.Seconds:F1} s; test split: RE {r.Report.Re:G4}, FVU {r.Report.Fvu:G4}, L0 {r.Report.L0:F2}, mean active dims {r.Report.MeanActiveDims:F2}");
        return 0;
    }

    /// <summary>Prints the members and the gap table, and where the files went.</summary>
    private static int Print(SweepResults results, string root)
    {
        SweepTable.Print(Console.Out, results);
        Console.WriteLine($"wrote {Path.Combine(root, SweepReport.ResultsFile)}{(results.Members.Any(r => r.L0 > 0) ? $" and {Path.Combine(root, SweepReport.FrontierFile)}" : "")}");
        return 0;
    }
}
