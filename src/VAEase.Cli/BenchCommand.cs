using System.CommandLine;
using System.Globalization;
using VAEase.Benchmarks;
using VAEase.Evaluation;
using VAEase.IO;
using VAEase.Models;
using VAEase.Networks;
using VAEase.Training;
using static TorchSharp.torch;

namespace VAEase.Cli;

/// <summary>`vaease bench`: training steps per second of the standard configurations, their share of
/// the machine's GEMM rate, and the ratio to the same step in PyTorch, timed interleaved.</summary>
public static class BenchCommand
{
    static readonly Option<string> JsonPath = new("--json") { Description = "also write the results as JSON to this file" };
    static readonly Option<string> Configs = new("--configs") { Description = "a = linear-union, b = lm-activations, c = conv-mnist, d = mlp-union (comma-separated names or letters)", DefaultValueFactory = _ => "a,b,c,d" };
    static readonly Option<string> Models = new("--models") { Description = "comma-separated models", DefaultValueFactory = _ => "vaease,vae,sae-l1,sae-log,sae-topk" };
    static readonly Option<int> Rounds = new("--rounds") { Description = "interleaved rounds per configuration (medians are reported)", DefaultValueFactory = _ => 5 };
    static readonly Option<double> RoundSeconds = new("--round-seconds") { Description = "target length of one round of one side", DefaultValueFactory = _ => 1.0 };
    static readonly Option<int> ConvWarmup = new("--conv-warmup") { Description = "conv-mnist: untimed steps per side before timing", DefaultValueFactory = _ => 3 };
    static readonly Option<int> ConvSteps = new("--conv-steps") { Description = "conv-mnist: timed steps per side, one per interleaved round (medians are reported)", DefaultValueFactory = _ => 5 };
    static readonly Option<bool> ReferenceNoMkldnn = new("--reference-no-mkldnn") { Description = "run PyTorch with torch.backends.mkldnn.enabled = False (as our conv networks on the native backend: VAEASE_CONV_BACKEND=native)" };
    static readonly Option<string> Python = new("--python") { Description = "the interpreter with PyTorch for the reference", DefaultValueFactory = _ => PyTorchReference.DefaultPython };
    static readonly Option<bool> NoReference = new("--no-reference") { Description = "skip the PyTorch reference" };

    public static Command Create()
    {
        var command = new Command("bench", "Time the training step of the standard configurations against PyTorch (bench/reference.py, Debian's python3-torch).")
        {
            JsonPath, Configs, Models, Rounds, RoundSeconds, ConvWarmup, ConvSteps, Python, NoReference, ReferenceNoMkldnn, TrainCommand.Precision, TrainCommand.DeviceOption, TrainCommand.Threads,
        };
        foreach (Option option in BenchMemory.Options) command.Options.Add(option);
        command.Subcommands.Add(BenchSharedPassCommand.Create());
        command.SetAction(Run);
        return command;
    }

    static readonly TimeSpan Quiesce = TimeSpan.FromMilliseconds(200);

    private sealed record Row(string Config, string Model, string Data, long Parameters, int BatchSize, int Threads, int? ReferenceThreads, double GflopPerStep, double StepsPerSecond, double? ReferenceStepsPerSecond,
        double? Ratio, double AchievedGflops, double FractionOfGemm, double[] OursSecondsPerStep, double[]? ReferenceSecondsPerStep)
    {
        public double SamplesPerSecond => StepsPerSecond * BatchSize;
    }

    /// <summary>Steps per second with three significant digits: 612, 19.8, 0.347.</summary>
    private static string Rate(double stepsPerSecond) => stepsPerSecond.ToString(stepsPerSecond >= 100 ? "F0" : stepsPerSecond >= 10 ? "F1" : stepsPerSecond >= 1 ? "F2" : "F3", CultureInfo.InvariantCulture);

    private static int Run(ParseResult parse)
    {
        Device device = Devices.Setup(parse.GetValue(TrainCommand.DeviceOption)!, parse.GetValue(TrainCommand.Threads));
        if (parse.GetValue(BenchMemory.Only)) return BenchMemory.RunOnly(parse, parse.GetValue(JsonPath));
        int rounds = parse.GetValue(Rounds);
        double roundSeconds = parse.GetValue(RoundSeconds);
        int convWarmup = parse.GetValue(ConvWarmup), convSteps = parse.GetValue(ConvSteps);
        if (rounds < 1 || roundSeconds <= 0) throw new VAEaseException("--rounds must be >= 1 and --round-seconds > 0");
        if (convWarmup < 0 || convSteps < 1) throw new VAEaseException("--conv-warmup must be >= 0 and --conv-steps >= 1");
        IReadOnlyList<string> configNames = BenchConfig.Select(parse.GetValue(Configs)!);
        MatmulPrecision precision = TrainCommand.PrecisionOf(parse) ?? MatmulPrecision.Float32;
        bool bf16 = precision == MatmulPrecision.BFloat16;
        if (bf16 && configNames.Contains("conv-mnist"))
        {
            configNames = configNames.Where(name => name != "conv-mnist").ToArray();
            Console.Error.WriteLine("--precision bf16: skipping conv-mnist (the conv networks train in fp32)");
            if (configNames.Count == 0) throw new VAEaseException("--precision bf16 applies to the configs a, b and d (linear-union, lm-activations, mlp-union)");
        }
        bool? mkldnn = parse.GetValue(ReferenceNoMkldnn) ? false : null;
        ModelKind[] kinds = Naming.ParseModels(parse.GetValue(Models)!);
        string script = Path.Combine(AppContext.BaseDirectory, "bench", "reference.py");
        string python = parse.GetValue(Python)!;
        var (torchVersion, unavailable) = parse.GetValue(NoReference) ? (null, "skipped (--no-reference)") : PyTorchReference.Probe(python, script);
        string referenceName = unavailable ?? $"PyTorch {torchVersion} ({python}, oneDNN {(mkldnn is false ? "off" : "on")}{(bf16 ? ", autocast bf16" : "")})";
        int? fixedThreads = parse.GetValue(TrainCommand.Threads);
        int threads = get_num_threads();

        double gemm = StepBenchmark.GemmGflops();
        double? gemmBf16 = bf16 ? StepBenchmark.GemmGflops(dtype: ScalarType.BFloat16) : null;
        Console.WriteLine($"GEMM 2048^3 float32: {gemm:F1} GFLOPS{(gemmBf16 is { } g16 ? $", bfloat16: {g16:F1} GFLOPS" : "")} on {threads} threads; reference: {referenceName}");
        Console.WriteLine($"{"config",-15}{"model",-9}{"batch",6}{"threads",8}{"GFLOP/step",11}{"steps/s",10}{"samples/s",10}{"PyTorch",10}{"ratio",8}{"GFLOPS",9}{"of GEMM",9}");
        var rows = new List<Row>();
        foreach (ModelKind kind in kinds)
            foreach (BenchConfig config in BenchConfig.Standard(kind).Where(c => configNames.Contains(c.Name)).Select(c => c with { Precision = precision }))
            {
                int ourThreads = fixedThreads ?? StepCost.PreferredThreads(config.Model, config.BatchSize) ?? threads;
                set_num_threads(ourThreads);
                using var bench = new StepBenchmark(config, device);
                int warmup = config.SlowStep ? convWarmup : 3;
                double warmupSeconds = bench.Run(warmup);
                using PyTorchReference? reference = unavailable is null ? PyTorchReference.Start(python, script, config, threads, bench.DataFile, warmup, mkldnn) : null;
                if (reference is not null) CheckSameModel(config, bench, reference);
                int steps = config.SlowStep ? 1 : Math.Max(1, (int)(roundSeconds / Math.Max(warmupSeconds / warmup, 1e-6)));
                if (!config.SlowStep)
                {
                    bench.Run(steps);      // a whole unmeasured round: tiered JIT, allocator and thread pools settle
                    reference?.Run(steps);
                }
                var ours = new List<double>();
                var theirs = new List<double>();
                for (int r = 0; r < (config.SlowStep ? convSteps : rounds); r++)
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
                var row = new Row(config.Name, Json.Name(kind), bench.DataDescription, bench.Parameters, config.BatchSize, ourThreads, reference?.Threads, bench.Flops / 1e9, 1 / ourStep, 1 / theirStep, theirStep / ourStep,
                    achieved, achieved / gemm, ours.ToArray(), reference is null ? null : theirs.ToArray());
                rows.Add(row);
                string threadCell = $"{row.Threads}/{(row.ReferenceThreads is { } rt ? rt.ToString() : "-")}";
                Console.WriteLine($"{row.Config,-15}{row.Model,-9}{row.BatchSize,6}{threadCell,8}{row.GflopPerStep,11:F3}{Rate(row.StepsPerSecond),10}{row.SamplesPerSecond,10:F0}" +
                                  $"{(row.ReferenceStepsPerSecond is { } p ? Rate(p) : "-"),10}{(row.Ratio is { } q ? q.ToString("F2") + "x" : "-"),8}" +
                                  $"{row.AchievedGflops,9:F1}{row.FractionOfGemm,9:P0}");
            }
        set_num_threads(threads);
        long peakRss = ProcessMemory.PeakRssBytes();
        Console.WriteLine($"threads: ours / PyTorch's intra-op (each side's faster setting; OpenBLAS on {threads}); GEMM fraction is of the {threads}-thread float32 rate");
        if (configNames.Contains("conv-mnist"))
            Console.WriteLine($"our convolutions: {ConvolutionBackend.Current} (chosen by a gradient check at start-up; {ConvolutionBackend.OverrideVariable}=onednn|native overrides it)");
        Console.WriteLine($"peak RSS of this process: {peakRss / (1024.0 * 1024):F0} MiB");
        IReadOnlyList<MemoryRow>? memory = BenchMemory.Run(parse);
        if (parse.GetValue(JsonPath) is { } path)
        {
            Json.Write(path, new
            {
                command = "bench", versions = Versions.All, threads, precision, gemm_gflops = gemm, gemm_gflops_bf16 = gemmBf16, reference = referenceName, seed = 0,
                reference_environment = unavailable is null ? PyTorchReference.HeapEnvironment : null,
                rounds, round_seconds = roundSeconds, conv_warmup = convWarmup, conv_steps = convSteps, peak_rss_bytes = peakRss, results = rows, memory,
            });
            Console.Error.WriteLine($"wrote {path}");
        }
        return 0;
    }

    /// <summary>Throws unless the reference built our model: the same parameter count and the same FLOPs per step
    /// (ours from <see cref="StepCost.Flops"/>, its from the layers PyTorch ran).</summary>
    private static void CheckSameModel(BenchConfig config, StepBenchmark bench, PyTorchReference reference)
    {
        if (reference.Parameters != bench.Parameters || Math.Abs(reference.Flops - bench.Flops) > 1e-9 * bench.Flops)
            throw new VAEaseException($"bench/reference.py built a different {config.Name} {Json.Name(config.Model.Kind)} model: " +
                                      $"{reference.Parameters} parameters and {reference.Flops:G6} FLOPs per step, ours {bench.Parameters} and {bench.Flops:G6}");
    }
}
