using System.CommandLine;
using System.Diagnostics;
using VAEase.Data;
using VAEase.Evaluation;
using VAEase.Experiments;
using VAEase.IO;
using VAEase.Models;
using VAEase.Plotting;
using VAEase.Training;

namespace VAEase.Cli;

/// <summary>`vaease reproduce table3 --data mnist|fashion-mnist`: the image columns of Table 3 with the
/// authors' image recipe, plus Figure 4 (masking curves), Table 5 (class alignment), per-class active dims,
/// and a reconstruction gallery, written as PNG + JSON/CSV into the output folder.</summary>
public static class Table3Command
{
    /// <summary>Paper's Table 3 (RE, mean AD) and Table 5 (intra, inter) per image set.</summary>
    sealed record Paper(IReadOnlyDictionary<ModelKind, (double Re, double Ad)> Table3, (double Intra, double Inter) Table5);

    static readonly Dictionary<string, Paper> Papers = new()
    {
        ["mnist"] = new(new Dictionary<ModelKind, (double, double)>
        {
            [ModelKind.SaeL1] = (10.4, 19.1), [ModelKind.SaeLog] = (9.84, 18.5), [ModelKind.SaeTopK] = (10.1, 16.0),
            [ModelKind.Vae] = (9.81, 18.0), [ModelKind.VAEase] = (9.71, 16.2),
        }, (0.3091, 0.4861)),
        ["fashion-mnist"] = new(new Dictionary<ModelKind, (double, double)>
        {
            [ModelKind.SaeL1] = (8.69, 19.0), [ModelKind.SaeLog] = (8.95, 17.8), [ModelKind.SaeTopK] = (8.11, 15.0),
            [ModelKind.Vae] = (8.42, 18.1), [ModelKind.VAEase] = (8.39, 12.4),
        }, (0.6761, 2.1143)),
    };

    static readonly Option<string> Data = new("--data") { Description = "mnist | fashion-mnist | llm-act | text-emb | minilm-act | minilm-emb | glove", Required = true };
    static readonly Option<int?> Epochs = new("--epochs") { Description = "epochs per model (the paper: 300 for images, 35 for llm-act and minilm-act, 150 for text-emb, minilm-emb and glove)" };
    static readonly Option<long> Seed = new("--seed") { Description = "training seed", DefaultValueFactory = _ => 1 };
    static readonly Option<string> Models = new("--models") { Description = "comma-separated models", DefaultValueFactory = _ => "vaease,vae,sae-l1,sae-log,sae-topk" };
    static readonly Option<string> Out = new("--out", "-o") { Description = "folder of the trained models and the figures (finished runs are reused, interrupted ones resumed, runs of other settings refused)", DefaultValueFactory = _ => Path.Combine("runs", "table3") };
    internal static Option<bool> QuickOption => Quick;

    static readonly Option<bool> Quick = new("--quick") { Description = "smoke run: the first 2048 training and 500 test rows (images) or 4096 and 1024 (text), 2 epochs" };
    static readonly Option<string> JsonPath = new("--json") { Description = "also write the results as JSON to this file" };

    public static Command Create()
    {
        var command = new Command("table3", "Table 3: the image columns, Figure 4, Table 5 on MNIST or Fashion-MNIST with the residual conv networks; " +
                                            "or RE and active dims on our text data (llm-act, text-emb, minilm-act, minilm-emb, glove) with the one-layer networks.")
        {
            Data, Epochs, Seed, Models, Quick, Out, JsonPath, TrainCommand.DeviceOption, TrainCommand.Threads,
        };
        command.SetAction(parse => Cli.WithCancellation(token => Run(parse, token)));
        return command;
    }

    private static int Run(ParseResult parse, CancellationToken token)
    {
        var device = Devices.Setup(parse.GetValue(TrainCommand.DeviceOption)!, parse.GetValue(TrainCommand.Threads));
        string set = parse.GetValue(Data)!.Trim().ToLowerInvariant();
        new OutputGuard().Models(ModelList(parse).Select(kind => Path.Combine(OutDir(parse, set), $"{Json.Name(kind)}-seed{parse.GetValue(Seed)}")), "--out")
            .OutputIfGiven(JsonOut(parse), "--json");
        if (TextSets.Names.Contains(set)) return Table3Text.Run(parse, set, device, token);
        if (!Papers.TryGetValue(set, out Paper? paper))
            throw new VAEaseException($"--data must be mnist, fashion-mnist, {string.Join(", ", TextSets.Names)}; got '{set}'");
        ModelKind[] kinds = ModelList(parse);
        bool quick = parse.GetValue(Quick);
        string outDir = OutDir(parse, set);
        var clock = Stopwatch.StartNew();
        var (train, test) = TrainTest(set, quick, 2048, 500);
        var results = new List<ImageModelResult>();
        using (train)
        using (test)
        {
            foreach (ModelKind kind in kinds)
            {
                RunConfig run = Config(parse, kind, set);
                string name = Json.Name(kind);
                var modelClock = Stopwatch.StartNew();
                results.Add(ImageStudy.Run(run, train, test, Path.Combine(outDir, $"{name}-seed{run.Training.Seed}"),
                    Cli.TrainOptions(device, $"{set} {name}", token)));
                Console.Error.WriteLine($"{set} {name}: trained or reused, evaluated on {test.Count} test images (RE, active dims, " +
                                        $"masking curve, class alignment) in {modelClock.Elapsed.TotalMinutes:F1} min");
            }
            Print(Console.Out, set, results, paper);
            Console.WriteLine();
            Figures.WriteImageFigures(outDir, set, results, ImageStudy.Originals(test));
        }
        Console.WriteLine($"{set}: {clock.Elapsed.TotalMinutes:F1} min; figures and results.json in {outDir}");
        var json = new
        {
            command = "reproduce table3", data = set, versions = Versions.All, seconds = clock.Elapsed.TotalSeconds,
            paper = new
            {
                table3 = paper.Table3.ToDictionary(kv => Json.Name(kv.Key), kv => new { re = kv.Value.Re, mean_active_dims = kv.Value.Ad }),
                table5 = new { intra = paper.Table5.Intra, inter = paper.Table5.Inter },
            },
            models = results.Select(r => new
            {
                model = Json.Name(r.Run.Model), seed = r.Run.Seed, seconds = r.Run.Seconds, steps = r.Run.Steps,
                results = r.Run.Report, masking = r.Masking, class_alignment = r.Alignment,
            }),
        };
        Json.Write(Path.Combine(outDir, "results.json"), json);
        if (parse.GetValue(JsonPath) is { } path) Json.Write(path, json);
        return 0;
    }

    internal static ModelKind[] ModelList(ParseResult parse) => Naming.ParseModels(parse.GetValue(Models)!);

    internal static string OutDir(ParseResult parse, string set) => Path.Combine(parse.GetValue(Out)!, parse.GetValue(Quick) ? $"{set}-quick" : set);

    internal static string? JsonOut(ParseResult parse) => parse.GetValue(JsonPath);

    /// <summary>The recipe for the set with the command's seed and epochs (--quick: 2), validated, threads set.</summary>
    internal static RunConfig Config(ParseResult parse, ModelKind kind, string set)
    {
        RunConfig run = Recipes.For(kind, set);
        run = run with { Training = run.Training with { Seed = parse.GetValue(Seed), Epochs = parse.GetValue(Epochs) ?? (parse.GetValue(Quick) ? 2 : run.Training.Epochs) } };
        run.Validate();
        Devices.UseThreadsFor(run);
        return run;
    }

    /// <summary>The set's train and test splits (seed 1 where the split is random); --quick keeps their first rows.</summary>
    internal static (Dataset Train, Dataset Test) TrainTest(string set, bool quick, long quickTrain, long quickTest)
    {
        var (train, test) = DataSpec.LoadTrainTest(set, 0.1, 1);
        return quick ? (First(train, quickTrain), First(test, quickTest)) : (train, test);
    }

    /// <summary>The first rows of a data set (the set itself is disposed).</summary>
    internal static Dataset First(Dataset data, long rows)
    {
        using (data)
        using (var indices = TorchSharp.torch.arange(Math.Min(rows, data.Count)))
            return data.Subset(indices, $"first {rows}");
    }

    private static void Print(TextWriter w, string set, IReadOnlyList<ImageModelResult> results, Paper paper)
    {
        w.WriteLine($"Table 3 ({set}, test split of {results[0].Run.Report.Samples}): RE = mean per-sample sum of squared errors (deterministic code), AD = mean active dims");
        w.WriteLine($"{"model",-9} {"steps",6} {"RE",8} {"AD",6}   {"paper RE",8} {"paper AD",8}   {"median AD",9} {"dead",4}");
        foreach (var r in results)
        {
            var (re, ad) = paper.Table3.GetValueOrDefault(r.Run.Model, (double.NaN, double.NaN)); // the paper has no later SAEs
            EvalReport e = r.Run.Report;
            w.WriteLine($"{Json.Name(r.Run.Model),-9} {r.Run.Steps,6} {e.Re,8:F2} {e.MeanActiveDims,6:F1}   {re,8:F2} {ad,8:F1}   {e.ActiveDimsPerSample.Median,9:F1} {e.DeadLatents,4}");
        }
        w.WriteLine();
        w.WriteLine($"Table 5 (mean symmetric difference of active sets; paper, VAEase with sigma < 0.05: intra {paper.Table5.Intra:F4}, inter {paper.Table5.Inter:F4})");
        w.WriteLine($"{"model",-9} {"rule",-15} {"intra",8} {"inter",8}");
        foreach (var r in results)
            foreach (ClassAlignmentResult a in r.Alignment)
                w.WriteLine($"{Json.Name(r.Run.Model),-9} {Json.Name(a.Rule),-15} {a.Intra,8:F4} {a.Inter,8:F4}");
        if (results[0].Run.Report.MeanActiveDimsPerGroup is { } classes)
        {
            w.WriteLine();
            w.WriteLine("Mean active dims per class (variance-split rule, per sample)");
            w.WriteLine($"{"model",-9} " + string.Concat(classes.Keys.Select(c => $"{c,6}")));
            foreach (var r in results)
                w.WriteLine($"{Json.Name(r.Run.Model),-9} " + string.Concat(classes.Keys.Select(c => $"{r.Run.Report.MeanActiveDimsPerGroup![c],6:F1}")));
        }
    }
}
