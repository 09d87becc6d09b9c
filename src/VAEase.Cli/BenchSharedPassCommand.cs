using System.CommandLine;
using VAEase.Benchmarks;
using VAEase.Evaluation;
using VAEase.Experiments;
using VAEase.IO;
using VAEase.Training;

namespace VAEase.Cli;

/// <summary>`vaease bench shared-pass`: a sweep's members trained on one pass over their data against one by one.</summary>
public static class BenchSharedPassCommand
{
    static readonly Option<string> Data = new("--data", "-d") { Description = "the sweep's data", DefaultValueFactory = _ => "demo-linear" };
    static readonly Option<string> Models = new("--models") { Description = "comma-separated families of the sweep whose members are timed", DefaultValueFactory = _ => "sae-topk,sae-batchtopk,sae-l1,sae-log,sae-jumprelu" };
    static readonly Option<bool> Full = new("--full") { Description = "the full grid (default: the --quick grid, 3 values per family)" };
    static readonly Option<int> Epochs = new("--epochs") { Description = "epochs of every member", DefaultValueFactory = _ => 1 };
    static readonly Option<int> Rounds = new("--rounds") { Description = "interleaved rounds (medians are reported)", DefaultValueFactory = _ => 5 };
    static readonly Option<string> Levels = new("--levels") { Description = "in-process, processes (comma-separated)", DefaultValueFactory = _ => "in-process,processes" };
    static readonly Option<string> JsonPath = new("--json") { Description = "also write the results as JSON to this file" };

    public static Command Create()
    {
        var command = new Command("shared-pass", "Time a sweep's members trained together on one pass over their data (`vaease sweep train`) against one by one (`vaease train` each), interleaved; check their weights are identical.");
        foreach (Option option in new Option[] { Data, Models, Full, Epochs, Rounds, Levels, JsonPath, TrainCommand.DeviceOption, TrainCommand.Threads })
            command.Options.Add(option);
        command.SetAction(Run);
        return command;
    }

    private static int Run(ParseResult parse)
    {
        var device = Devices.Setup(parse.GetValue(TrainCommand.DeviceOption)!, null);
        int threads = parse.GetValue(TrainCommand.Threads) ?? 1;
        if (threads < 1) throw new VAEaseException($"--threads must be >= 1, got {threads}");
        string[] levels = Naming.ParseList(parse.GetValue(Levels)!, "--levels",
            level => SharedPassBenchmark.Levels.Contains(level) ? level : throw new VAEaseException($"unknown level '{level}' (expected: {string.Join(", ", SharedPassBenchmark.Levels)})"));
        var sweep = new SweepConfig
        {
            Data = parse.GetValue(Data)!, Quick = !parse.GetValue(Full), Models = Naming.ParseModels(parse.GetValue(Models)!), Epochs = parse.GetValue(Epochs),
        };
        List<SweepMember> members = [.. SweepPlan.Members(sweep).GroupBy(m => SweepJobs.PassKey(m.Run)).MaxBy(g => g.Count())!];
        Console.WriteLine($"{members.Count} members of the {(sweep.Quick ? "quick" : "full")} sweep of {sweep.Data} that draw the same batches, {sweep.Epochs} epoch{(sweep.Epochs == 1 ? "" : "s")} each, {threads} thread{(threads == 1 ? "" : "s")}");
        IReadOnlyList<SharedPassRow> rows = SharedPassBenchmark.Run(members, levels, parse.GetValue(Rounds), threads, device, Console.Error);
        Console.WriteLine($"{"level",-12}{"members",8}{"one by one",12}{"shared",10}{"speedup",9}  weights identical");
        foreach (SharedPassRow r in rows)
            Console.WriteLine($"{r.Level,-12}{r.Members,8}{Summary.Of(r.OneByOneSeconds).Median,11:F2}s{Summary.Of(r.SharedSeconds).Median,9:F2}s{r.Ratio,8:F2}x  {r.Identical}/{r.Members}");
        Console.WriteLine("medians over the rounds; each round times both sides back to back, in alternating order, on fresh folders");
        if (parse.GetValue(JsonPath) is { } path)
        {
            Json.Write(path, new { command = "bench shared-pass", versions = Versions.All, data = sweep.Data, grid = sweep.Quick ? "quick" : "full", epochs = sweep.Epochs, threads,
                members = members.Select(m => m.Folder), results = rows.Select(r => new { r.Level, r.Members, r.OneByOneSeconds, r.SharedSeconds, r.Ratio, r.Identical }) });
            Console.Error.WriteLine($"wrote {path}");
        }
        return 0;
    }
}
