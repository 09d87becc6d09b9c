using System.CommandLine;
using VAEase.Benchmarks;
using VAEase.Evaluation;
using VAEase.IO;
using VAEase.Models;
using VAEase.Training;
using static TorchSharp.torch;

namespace VAEase.Cli;

/// <summary>`vaease bench`: training steps per second of the standard configurations, their share of
/// the machine's GEMM rate, and the ratio to the same step in PyTorch, timed interleaved.</summary>
public static class BenchCommand
{
    static readonly Option<string> JsonPath = new("--json") { Description = "also write the results as JSON to this file" };
    static readonly Option<string> Configs = new("--configs") { Description = "linear-union, lm-activations (comma-separated)", DefaultValueFactory = _ => "linear-union,lm-activations" };
    static readonly Option<string> Models = new("--models") { Description = "comma-separated models", DefaultValueFactory = _ => "vaease,vae,sae-l1,sae-log,sae-topk" };
    static readonly Option<int> Rounds = new("--rounds") { Description = "interleaved rounds per configuration (medians are reported)", DefaultValueFactory = _ => 5 };
    static readonly Option<double> RoundSeconds = new("--round-seconds") { Description = "target length of one round of one side", DefaultValueFactory = _ => 1.0 };
    static readonly Option<string> Python = new("--python") { Description = "the interpreter with PyTorch for the reference", DefaultValueFactory = _ => PyTorchReference.DefaultPython };
    static readonly Option<bool> NoReference = new("--no-reference") { Description = "skip the PyTorch reference" };

    public static Command Create()
    {
        var command = new Command("bench", "Time the training step of the standard configurations against PyTorch (bench/reference.py, Debian's python3-torch).")
        {
            JsonPath, Configs, Models, Rounds, RoundSeconds, Python, NoReference, TrainCommand.DeviceOption, TrainCommand.Threads,
        };
        foreach (Option option in BenchMemory.Options) command.Options.Add(option);
        command.SetAction(Run);
        return command;
    }

    static readonly TimeSpan Quiesce = TimeSpan.FromMilliseconds(200);

    private sealed record Row(string Config, string Model, int BatchSize, int Threads, int? ReferenceThreads, double GflopPerStep, double StepsPerSecond, double? ReferenceStepsPerSecond,
        double? Ratio, double AchievedGflops, double FractionOfGemm, double[] OursSecondsPerStep, double[]? ReferenceSecondsPerStep);

    private static int Run(ParseResult parse)
    {
        Device device = Devices.Setup(parse.GetValue(TrainCommand.DeviceOption)!, parse.GetValue(TrainCommand.Threads));
        if (parse.GetValue(BenchMemory.Only)) return BenchMemory.RunOnly(parse, parse.GetValue(JsonPath));
        int rounds = parse.GetValue(Rounds);
        double roundSeconds = parse.GetValue(RoundSeconds);
        if (rounds < 1 || roundSeconds <= 0) throw new VAEaseException("--rounds must be >= 1 and --round-seconds > 0");
        string[] known = BenchConfig.Standard(ModelKind.VAEase).Select(c => c.Name).ToArray();
        string[] configNames = Naming.ParseList(parse.GetValue(Configs)!, "--configs",
            name => known.Contains(name) ? name : throw new VAEaseException($"unknown bench config '{name}' (expected one of: {string.Join(", ", known)})"));
        ModelKind[] kinds = Naming.ParseModels(parse.GetValue(Models)!);
        string script = Path.Combine(AppContext.BaseDirectory, "bench", "reference.py");
        string python = parse.GetValue(Python)!;
        var (torchVersion, unavailable) = parse.GetValue(NoReference) ? (null, "skipped (--no-reference)") : PyTorchReference.Probe(python, script);
        string referenceName = unavailable ?? $"PyTorch {torchVersion} ({python})";
        int? fixedThreads = parse.GetValue(TrainCommand.Threads);
        int threads = get_num_threads();

        double gemm = StepBenchmark.GemmGflops();
        Console.WriteLine($"GEMM 2048^3 float32: {gemm:F1} GFLOPS on {threads} threads; reference: {referenceName}");
        Console.WriteLine($"{"config",-15}{"model",-9}{"batch",6}{"threads",8}{"GFLOP/step",11}{"steps/s",10}{"PyTorch",10}{"ratio",8}{"GFLOPS",9}{"of GEMM",9}");
        var rows = new List<Row>();
        foreach (ModelKind kind in kinds)
            foreach (BenchConfig config in BenchConfig.Standard(kind).Where(c => configNames.Contains(c.Name)))
            {
                int ourThreads = fixedThreads ?? StepCost.PreferredThreads(config.Model, config.BatchSize) ?? threads;
                set_num_threads(ourThreads);
                using var bench = new StepBenchmark(config, device);
                using PyTorchReference? reference = unavailable is null ? PyTorchReference.Start(python, script, config, threads) : null;
                int steps = Math.Max(1, (int)(roundSeconds / Math.Max(bench.Run(3) / 3, 1e-6)));
                bench.Run(steps);      // a whole unmeasured round: tiered JIT, allocator and thread pools settle
                reference?.Run(steps);
                var ours = new List<double>();
                var theirs = new List<double>();
                for (int r = 0; r < rounds; r++)
                {
                    // Both sides' thread pools spin for a while after their last kernel; a pause lets the
                    // other side's go idle before a side is timed.
                    Thread.Sleep(Quiesce);
                    ours.Add(bench.Run(steps) / steps);
                    if (reference is null) continue;
                    Thread.Sleep(Quiesce);
                    theirs.Add(reference.Run(steps) / steps);
                }
                double ourStep = Summary.Of(ours).Median;
                double? theirStep = reference is null ? null : Summary.Of(theirs).Median;
                double achieved = bench.Flops / ourStep / 1e9;
                var row = new Row(config.Name, Json.Name(kind), config.BatchSize, ourThreads, reference?.Threads, bench.Flops / 1e9, 1 / ourStep, 1 / theirStep, theirStep / ourStep,
                    achieved, achieved / gemm, ours.ToArray(), reference is null ? null : theirs.ToArray());
                rows.Add(row);
                string threadCell = $"{row.Threads}/{(row.ReferenceThreads is { } rt ? rt.ToString() : "-")}";
                Console.WriteLine($"{row.Config,-15}{row.Model,-9}{row.BatchSize,6}{threadCell,8}{row.GflopPerStep,11:F3}{row.StepsPerSecond,10:F1}" +
                                  $"{(row.ReferenceStepsPerSecond is { } p ? p.ToString("F1") : "-"),10}{(row.Ratio is { } q ? q.ToString("F2") + "x" : "-"),8}" +
                                  $"{row.AchievedGflops,9:F1}{row.FractionOfGemm,9:P0}");
            }
        set_num_threads(threads);
        long peakRss = ProcessMemory.PeakRssBytes();
        Console.WriteLine($"threads: ours / PyTorch's intra-op (each side's faster setting; OpenBLAS on {threads}); GEMM fraction is of the {threads}-thread rate");
        Console.WriteLine($"peak RSS of this process: {peakRss / (1024.0 * 1024):F0} MiB");
        IReadOnlyList<MemoryRow>? memory = BenchMemory.Run(parse);
        if (parse.GetValue(JsonPath) is { } path)
        {
            Json.Write(path, new
            {
                command = "bench", versions = Versions.All, threads, gemm_gflops = gemm, reference = referenceName,
                rounds, round_seconds = roundSeconds, peak_rss_bytes = peakRss, results = rows, memory,
            });
            Console.Error.WriteLine($"wrote {path}");
        }
        return 0;
    }
}
