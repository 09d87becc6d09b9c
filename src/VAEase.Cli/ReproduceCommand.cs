using System.CommandLine;
using System.Diagnostics;
using VAEase.Data;
using VAEase.Experiments;
using VAEase.IO;
using VAEase.Models;
using VAEase.Networks;
using VAEase.Training;

namespace VAEase.Cli;

/// <summary>`vaease reproduce table2`: the paper's synthetic experiments (Section 5.1, Table 2) with the
/// authors' recipes, on several seeds, printed in the paper's layout beside the paper's numbers.</summary>
public static class ReproduceCommand
{
    internal sealed record Part(string Name, string Spec, string QuickSpec, int QuickEpochs, IReadOnlyDictionary<ModelKind, int[]> Paper);

    static readonly Part[] Parts =
    [
        new("linear", "table2-linear", "linear:d=40,dims=4+4+4,n=100000,seed=1", 30, new Dictionary<ModelKind, int[]>
        {
            [ModelKind.SaeL1] = [10, 11, 8], [ModelKind.SaeLog] = [8, 8, 8], [ModelKind.SaeTopK] = [10, 10, 7],
            [ModelKind.Vae] = [13, 13, 13], [ModelKind.VAEase] = [5, 4, 4],
        }),
        new("nonlinear", "table2-mlp", "mlp:d=100,dims=5+5+10+10,n=40000,seed=1", 10, new Dictionary<ModelKind, int[]>
        {
            [ModelKind.SaeL1] = [20, 26, 39, 29], [ModelKind.SaeLog] = [15, 28, 39, 31], [ModelKind.SaeTopK] = [10, 12, 18, 19],
            [ModelKind.Vae] = [17, 21, 20, 19], [ModelKind.VAEase] = [5, 5, 11, 11],
        }),
    ];

    static readonly Option<string> PartOption = new("--part") { Description = "linear | nonlinear | all", DefaultValueFactory = _ => "all" };
    static readonly Option<string> Seeds = new("--seeds") { Description = "comma-separated training seeds", DefaultValueFactory = _ => "1" };
    static readonly Option<bool> Quick = new("--quick") { Description = "a reduced config for smoke runs (fewer points and epochs, one cosine cycle)" };
    static readonly Option<string> Data = new("--data") { Description = "another union instead of the paper's (linear:... or mlp:...); uses that family's recipe" };
    static readonly Option<int?> Epochs = new("--epochs") { Description = "override the recipe's epochs (150 linear, 310 nonlinear)" };
    static readonly Option<string> Models = new("--models") { Description = "comma-separated models", DefaultValueFactory = _ => "vaease,vae,sae-l1,sae-log,sae-topk" };
    static readonly Option<string> VarianceBoundOption = new("--variance-bound") { Description = "VAE family: softplus (default) | clamp (the authors')" };
    static readonly Option<string> Out = new("--out", "-o") { Description = "root folder of the trained models (reused: finished runs are evaluated again, interrupted ones resumed, runs of other settings refused)", DefaultValueFactory = _ => Path.Combine("runs", "table2") };
    static readonly Option<string> JsonPath = new("--json") { Description = "write the results as JSON to this file" };

    public static Command Create()
    {
        var table2 = new Command("table2", "Table 2: active dims per manifold on unions of linear subspaces (4/4/4 in R^40) and MLP manifolds (5/5/10/10 in R^100).")
        {
            PartOption, Seeds, Quick, Data, Epochs, TrainCommand.Latent, TrainCommand.T0, Models, VarianceBoundOption, TrainCommand.AlignRestarts, TrainCommand.Precision, Out, JsonPath, TrainCommand.DeviceOption, TrainCommand.Threads,
        };
        table2.SetAction(parse => Cli.WithCancellation(token => Table2(parse, token)));
        return new Command("reproduce", "Reproduce the paper's experiments.") { table2, Table3Command.Create(), Table4Command.Create(), IdUnionsCommand.Create() };
    }

    private static int Table2(ParseResult parse, CancellationToken token)
    {
        var device = Devices.Setup(parse.GetValue(TrainCommand.DeviceOption)!, parse.GetValue(TrainCommand.Threads));
        long[] seeds = Naming.ParseList(parse.GetValue(Seeds)!, "--seeds", long.Parse);
        ModelKind[] kinds = Naming.ParseModels(parse.GetValue(Models)!);
        bool quick = parse.GetValue(Quick);
        VarianceBound? bound = parse.GetValue(VarianceBoundOption) is { } vb ? Naming.Parse<VarianceBound>(vb, "variance bound") : null;
        IEnumerable<(Part Part, string Spec)> parts = SelectParts(parse.GetValue(PartOption)!, parse.GetValue(Data), quick);
        string outRoot = parse.GetValue(Out)!;
        string[] runDirs = [.. parts.SelectMany(p => kinds.SelectMany(kind => seeds.Select(seed => Path.Combine(outRoot, p.Part.Name, $"{Json.Name(kind)}-seed{seed}"))))];
        new OutputGuard().Models(runDirs, "--out").OutputIfGiven(parse.GetValue(JsonPath), "--json");
        var results = new List<object>();

        foreach (var (part, spec) in parts)
        {
            DataSpec.Info info = DataSpec.Describe(spec);
            var clock = Stopwatch.StartNew();
            using Dataset all = DataSpec.Load(spec);
            var rows = new List<RunResult>();
            foreach (ModelKind kind in kinds)
                foreach (long seed in seeds)
                {
                    RunConfig run = Run(kind, part, spec, seed, quick, parse.GetValue(Epochs), parse.GetValue(TrainCommand.AlignRestarts), bound, parse.GetValue(TrainCommand.Latent), parse.GetValue(TrainCommand.T0), TrainCommand.PrecisionOf(parse));
                    Devices.UseThreadsFor(run);
                    string dir = Path.Combine(outRoot, part.Name, $"{Json.Name(kind)}-seed{seed}");
                    rows.Add(ExperimentRun.TrainAndEvaluate(run, all, dir,
                        Cli.TrainOptions(device, $"{part.Name} {Json.Name(kind)} s{seed}", token)));
                }
            bool paperData = DataSpec.Canonical(spec) == DataSpec.Canonical(part.Spec);
            Tables.PrintUnionTable(Console.Out, $"Table 2 ({part.Name}): {DataSpec.Canonical(spec)}, test split{(quick ? ", quick config" : "")}",
                info.Pieces, rows, paperData ? part.Paper : null);
            Console.WriteLine($"{part.Name}: {clock.Elapsed.TotalMinutes:F1} min");
            results.Add(new
            {
                part = part.Name, data = DataSpec.Canonical(spec), truth = info.Pieces, quick, seconds = clock.Elapsed.TotalSeconds,
                paper = paperData ? part.Paper.ToDictionary(kv => Json.Name(kv.Key), kv => kv.Value) : null,
                models = rows.Select(r => new
                {
                    model = Json.Name(r.Model), seed = r.Seed, median_per_manifold = r.MedianPerPiece(info.Pieces.Count),
                    pooled_per_manifold = r.PooledPerPiece(info.Pieces.Count), r.Seconds, r.Steps, results = r.Report,
                }),
            });
        }
        if (parse.GetValue(JsonPath) is { } path)
        {
            Json.Write(path, new { command = "reproduce table2", versions = Versions.All, parts = results });
            Console.Error.WriteLine($"wrote {path}");
        }
        return 0;
    }

    /// <summary>The run of one model and seed on one part: the family's recipe, with the quick config's epochs
    /// and single cosine cycle, and the overrides given.</summary>
    internal static RunConfig Run(ModelKind kind, Part part, string spec, long seed, bool quick, int? epochs = null, bool? alignRestarts = null,
        VarianceBound? bound = null, int? latent = null, int? restartPeriod = null, MatmulPrecision? precision = null)
    {
        RunConfig run = Recipes.For(kind, spec);
        TrainConfig t = run.Training with { Seed = seed };
        if (quick) t = t with { Epochs = part.QuickEpochs, RestartPeriod = 0 };
        if (epochs is { } e) t = t with { Epochs = e };
        if (alignRestarts is { } align) t = t with { AlignRestarts = align };
        if (restartPeriod is { } t0) t = t with { RestartPeriod = t0 };
        if (precision is { } p) t = t with { MatmulPrecision = p };
        ModelConfig model = bound is { } b ? run.Model with { VarianceBound = b } : run.Model;
        return (run with { Training = t, Model = latent is { } k ? model with { Latent = k } : model }).Validate();
    }

    /// <summary>The parts chosen by --part (their quick specs with --quick), or the one part of a --data union.</summary>
    internal static IEnumerable<(Part, string)> SelectParts(string which, string? data, bool quick)
    {
        if (data is not null)
        {
            string family = DataSpec.Describe(data).Family;
            if (family is not ("linear" or "mlp")) throw new VAEaseException($"--data must be a synthetic union (linear:... or mlp:...), got {data}");
            return [(family == "linear" ? Parts[0] : Parts[1], data)];
        }
        Part[] chosen = which switch
        {
            "all" => Parts,
            "linear" => [Parts[0]],
            "nonlinear" => [Parts[1]],
            _ => throw new VAEaseException($"--part must be linear, nonlinear or all, got '{which}'"),
        };
        return chosen.Select(p => (p, quick ? p.QuickSpec : p.Spec));
    }
}
