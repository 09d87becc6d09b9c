using System.CommandLine;
using System.Diagnostics;
using VAEase.Data;
using VAEase.Experiments;
using VAEase.Generative;
using VAEase.Intrinsic;
using VAEase.IO;
using VAEase.Models;
using VAEase.Training;
using static TorchSharp.torch;

namespace VAEase.Cli;

/// <summary>`vaease reproduce id-unions`: the synthetic unions of Table 2, whose every piece has a known
/// dimension, through every intrinsic-dimension estimator in one table — VAEase's per-sample active dims,
/// the diffusion estimators NB and FLIPD on a score model trained on the same points, and the k-NN estimators
/// — per manifold, on held-out points. Each part's stages live in OUT/&lt;part&gt;/ and are reused or resumed.</summary>
public static class IdUnionsCommand
{
    /// <summary>The estimators' columns, in print order.</summary>
    static readonly string[] Columns = [ModelEstimate.Method, "nb", "nb-centred", "flipd", "lpca", "mle", "twonn"];

    static readonly Option<string> PartOption = new("--part") { Description = "linear | nonlinear | all", DefaultValueFactory = _ => "all" };
    static readonly Option<string> Data = new("--data") { Description = "another union instead of the paper's (linear:... or mlp:...)" };
    static readonly Option<string> Out = new("--out", "-o") { Description = "folder of every stage: OUT/<part>/vaease, OUT/<part>/score, OUT/results.json", DefaultValueFactory = _ => Path.Combine("runs", "id-unions") };
    static readonly Option<string> Table2Dir = new("--table2") { Description = "use the VAEase models that `vaease reproduce table2 --out DIR` trained (DIR/<part>/vaease-seedS) instead of training here" };
    static readonly Option<int?> VAEaseEpochs = new("--vaease-epochs") { Description = "epochs of the VAEase model trained here (default: the recipe's, 150 linear and 310 nonlinear)" };
    static readonly Option<int> ScoreEpochs = new("--score-epochs") { Description = "score-model epochs", DefaultValueFactory = _ => 10 };
    static readonly Option<int> ScoreHidden = new("--score-hidden") { Description = "hidden width of the score model's MLP", DefaultValueFactory = _ => 512 };
    static readonly Option<int> ScoreBatch = new("--score-batch") { Description = "score-model batch size", DefaultValueFactory = _ => 1024 };
    static readonly Option<int> Points = new("--points") { Description = "held-out points NB and FLIPD estimate at", DefaultValueFactory = _ => 300 };
    static readonly Option<int> EvalRows = new("--eval-rows") { Description = "held-out points VAEase and the k-NN estimators use", DefaultValueFactory = _ => 10_000 };
    static readonly Option<long> Seed = new("--seed") { Description = "seed of the split, the models and the subsets", DefaultValueFactory = _ => 1 };
    static readonly Option<bool> Quick = new("--quick") { Description = "smoke run: Table 2's quick unions, 2 epochs of VAEase, 1 of a small score model, 5 points" };
    static readonly Option<string> JsonPath = new("--json") { Description = "also write the results as JSON to this file" };

    public static Command Create()
    {
        var command = new Command("id-unions", "The unions of Table 2 (known dimension per manifold) through every ID estimator: VAEase, NB, FLIPD, lPCA, MLE, TwoNN.")
        {
            PartOption, Data, Out, Table2Dir, VAEaseEpochs, ScoreEpochs, ScoreHidden, ScoreBatch, Points, EvalRows, Seed, Quick, JsonPath,
            TrainCommand.DeviceOption, TrainCommand.Threads,
        };
        command.SetAction(parse => Cli.WithCancellation(token => Run(parse, token)));
        return command;
    }

    /// <summary>One part's estimates and what they cost.</summary>
    private sealed record PartResult(string Part, string Spec, IReadOnlyList<int> Pieces, IdTruth Truth, long EvalRows,
        IReadOnlyDictionary<string, DimensionEstimate> Estimates, object VAEase, ScoreConfig Score, Dictionary<string, double> Seconds);

    private static int Run(ParseResult parse, CancellationToken token)
    {
        var device = Devices.Setup(parse.GetValue(TrainCommand.DeviceOption)!, parse.GetValue(TrainCommand.Threads));
        bool quick = parse.GetValue(Quick);
        long seed = parse.GetValue(Seed);
        int points = quick ? 5 : parse.GetValue(Points), evalRows = quick ? 300 : parse.GetValue(EvalRows);
        if (points < 1 || evalRows < 2) throw new VAEaseException("--points must be positive and --eval-rows at least 2");
        long maxPoints = new NeighbourSearchConfig().MaxPoints;
        if (evalRows > maxPoints) throw new VAEaseException($"--eval-rows {evalRows} exceeds the exact k-NN limit of {maxPoints} points");
        string outRoot = parse.GetValue(Out)!;
        string? table2 = parse.GetValue(Table2Dir);
        var parts = ReproduceCommand.SelectParts(parse.GetValue(PartOption)!, parse.GetValue(Data), quick).ToList();
        if (table2 is not null && !Directory.Exists(table2)) throw new VAEaseException($"--table2: no folder {table2}");
        var guard = new OutputGuard().Models(parts.SelectMany(p => new[] { Path.Combine(outRoot, p.Item1.Name, "vaease"), Path.Combine(outRoot, p.Item1.Name, "score") }), "--out");
        if (table2 is not null) guard.Model(table2, "--table2");
        guard.OutputIfGiven(parse.GetValue(JsonPath), "--json");
        var clock = Stopwatch.StartNew();

        var results = new List<PartResult>();
        foreach (var (part, spec) in parts)
        {
            DataSpec.Info info = DataSpec.Describe(spec);
            string dir = Path.Combine(outRoot, part.Name);
            var seconds = new Dictionary<string, double>();
            using Dataset all = DataSpec.Load(spec);
            var (train, held) = all.Split(0.1, seed);   // the split `reproduce table2` evaluates on, for the same seed
            using (train)
            using (Dataset test = Table3Command.First(held, evalRows))
            {
                // 1. VAEase: Table 2's model, or one trained here with the same recipe.
                RunConfig run = ReproduceCommand.Run(ModelKind.VAEase, part, spec, seed, quick, quick ? 2 : parse.GetValue(VAEaseEpochs));
                var (model, used, trainSeconds, steps) = table2 is null ? TrainHere(run, train, Path.Combine(dir, "vaease"), device, token)
                    : FromTable2(Path.Combine(table2, part.Name, $"{ModelEstimate.Method}-seed{seed}"), spec, device);
                object vaease = new { dir = used.Dir, config = used.Run, steps, seconds = trainSeconds };
                DimensionEstimate vaeaseEstimate;
                using (model)
                    vaeaseEstimate = ModelEstimate.Estimate(model, test, device);

                // 2. The score model, on the same training points.
                string scoreDir = Path.Combine(dir, "score");
                ScoreConfig score = ScoreRun.For(train, spec) with
                {
                    Epochs = quick ? 1 : parse.GetValue(ScoreEpochs), Hidden = quick ? 64 : parse.GetValue(ScoreHidden),
                    BatchSize = parse.GetValue(ScoreBatch), Seed = seed,
                };
                Stage.Run("score", scoreDir, ScoreRun.ConfigFile, score, ScoreModel.NetworkName + ".safetensors", seconds,
                    resume => ScoreRun.Train(score, train, scoreDir, Cli.TrainOptions(device, $"{part.Name} score", token, resume)));

                // 3. The estimates on held-out points.
                var (network, _) = ScoreRun.Load(scoreDir, device);
                Dictionary<string, DimensionEstimate> estimates;
                using (network)
                    estimates = IdTable.DiffusionAndKnn(network, score, test, points, seed, seconds);
                estimates[ModelEstimate.Method] = vaeaseEstimate;
                results.Add(new PartResult(part.Name, DataSpec.Canonical(spec), info.Pieces, IdTable.Truth(info, test.Labels)!, test.Count,
                    estimates, vaease, score, seconds));
                Console.Error.WriteLine($"{part.Name}: done ({clock.Elapsed.TotalMinutes:F1} min so far)");
            }
        }

        Print(Console.Out, results, quick);
        var json = new
        {
            command = "reproduce id-unions", seed, quick, points, eval_rows = evalRows, versions = Versions.All, total_seconds = clock.Elapsed.TotalSeconds,
            parts = results.Select(r => new
            {
                part = r.Part, data = r.Spec, truth = r.Pieces, truth_mean = r.Truth.All, eval_rows = r.EvalRows,
                estimates = Columns.ToDictionary(m => m, m => IdTable.ForJson(r.Estimates[m])),
                vaease = r.VAEase, score = r.Score, seconds = r.Seconds,
            }),
        };
        Json.Write(Path.Combine(outRoot, "results.json"), json);
        if (parse.GetValue(JsonPath) is { } path) Json.Write(path, json);
        Console.WriteLine($"id-unions: {clock.Elapsed.TotalMinutes:F1} min; results.json in {outRoot}");
        return 0;
    }

    private sealed record Source(string Dir, RunConfig Run);

    private static (SparseAutoencoder, Source, double Seconds, long Steps) TrainHere(RunConfig run, Dataset train, string dir, Device device, CancellationToken token)
    {
        Devices.UseThreadsFor(run);
        SparseAutoencoder model = ExperimentRun.TrainOrLoad(run, train, dir, Cli.TrainOptions(device, "vaease", token), out double seconds, out long steps);
        return (model, new Source(dir, run), seconds, steps);
    }

    /// <summary>The finished VAEase model of a `reproduce table2` run, checked to be VAEase on this union.</summary>
    private static (SparseAutoencoder, Source, double Seconds, long Steps) FromTable2(string dir, string spec, Device device)
    {
        if (!ExperimentRun.IsFinished(dir))
            throw new VAEaseException($"--table2: {dir} holds no finished VAEase run (train it with `vaease reproduce table2 --out {Path.GetDirectoryName(Path.GetDirectoryName(dir))}`, or leave out --table2)");
        var (model, run, seconds, steps) = ExperimentRun.LoadFinished(dir, device);
        if (run.Model.Kind != ModelKind.VAEase || DataSpec.Canonical(run.Data) != DataSpec.Canonical(spec))
        {
            model.Dispose();
            throw new VAEaseException($"--table2: {dir} holds {Json.Name(run.Model.Kind)} on {run.Data}, not VAEase on {DataSpec.Canonical(spec)}");
        }
        Console.Error.WriteLine($"vaease: using Table 2's model in {dir} ({steps} steps)");
        return (model, new Source(dir, run), seconds, steps);
    }

    private static void Print(TextWriter w, IReadOnlyList<PartResult> results, bool quick)
    {
        string[] names = ["VAEase", "NB", "NB-c", "FLIPD", "lPCA", "MLE", "TwoNN"];
        w.WriteLine($"Intrinsic dimension of the Table 2 unions per manifold, held-out points{(quick ? " (quick config)" : "")}");
        w.WriteLine($"{"part",-10}{"manifold",-10}{"truth",6}" + string.Concat(names.Select(n => n.PadLeft(8))));
        foreach (PartResult r in results)
        {
            string Cells(Func<DimensionEstimate, double?> value) =>
                string.Concat(Columns.Select(m => (value(r.Estimates[m]) is { } v && double.IsFinite(v) ? v.ToString("F2") : "-").PadLeft(8)));
            foreach (var (label, truth) in r.Truth.PerGroup)
                w.WriteLine($"{r.Part,-10}{"M" + (label + 1),-10}{truth,6}{Cells(e => e.PerGroup?.TryGetValue(label, out double v) == true ? v : null)}");
            w.WriteLine($"{r.Part,-10}{"all",-10}{r.Truth.All,6:F2}{Cells(e => e.Dimension)}");
        }
        w.WriteLine();
        foreach (PartResult r in results)
        {
            DimensionEstimate v = r.Estimates[ModelEstimate.Method], nb = r.Estimates["nb"];
            w.WriteLine($"{r.Part}: {r.Spec}; VAEase and k-NN on {v.Points} held-out points, NB and FLIPD on {nb.Points} of them; " +
                        $"score model: {r.Score.Epochs} epochs, hidden {r.Score.Hidden}");
        }
        w.WriteLine("VAEase: mean per-sample active dims; NB-c: NB with the score matrix centred (first gap skipped); lPCA, MLE, TwoNN: exact k-NN.");
    }
}
