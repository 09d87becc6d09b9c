using System.CommandLine;
using System.Diagnostics;
using VAEase.Data;
using VAEase.Experiments;
using VAEase.IO;
using VAEase.Models;
using VAEase.Training;
using static TorchSharp.torch;

namespace VAEase.Cli;

/// <summary>`vaease reproduce table3 --data llm-act|text-emb|glove`: the LLM-activation and text-embedding columns
/// of Table 3 on the data this project can reach (spec/DATA.md). The paper's numbers are for other data (Pythia-70m
/// activations of the Pile, ModernBERT embeddings of Yelp reviews) and are printed beside ours only as a reference.</summary>
public static class Table3Text
{
    /// <summary>The paper's column each of our sets stands in for, and its (RE, mean AD) per model (Table 3).</summary>
    sealed record Reference(string Column, IReadOnlyDictionary<ModelKind, (double Re, double Ad)> Numbers);

    static readonly Reference Pythia = new("LLM-Act: Pythia-70m activations of Pile-10k, d = 512", new Dictionary<ModelKind, (double, double)>
    {
        [ModelKind.SaeL1] = (46.2, 38.2), [ModelKind.SaeLog] = (45.1, 58.2), [ModelKind.SaeTopK] = (45.1, 30.0),
        [ModelKind.Vae] = (48.0, 87.9), [ModelKind.VAEase] = (39.5, 22.5),
    });

    static readonly Reference Yelp = new("Text-Emb: ModernBERT embeddings of Yelp reviews, d = 768", new Dictionary<ModelKind, (double, double)>
    {
        [ModelKind.SaeL1] = (0.224, 61.9), [ModelKind.SaeLog] = (0.230, 56.0), [ModelKind.SaeTopK] = (0.217, 30.0),
        [ModelKind.Vae] = (0.277, 90.0), [ModelKind.VAEase] = (0.187, 16.7),
    });

    static readonly Dictionary<string, string> Descriptions = new()
    {
        ["llm-act"] = "per-token layer-1 residual stream (d = 512) of the pretrained Universal Sentence Encoder lite on nlp-corpus sentences",
        ["text-emb"] = "sentence embeddings (d = 512) of the Universal Sentence Encoder lite, same sentences",
        ["minilm-act"] = "per-token hidden state of one block (d = 384) of the pretrained all-MiniLM-L6-v2 on nlp-corpus sentences",
        ["minilm-emb"] = "all-MiniLM-L6-v2 sentence embeddings (d = 384), same sentences",
        ["glove"] = "GloVe 6B-100d word vectors (d = 100)",
    };

    public static int Run(ParseResult parse, string set, Device device, CancellationToken token)
    {
        Reference paper = TextSets.TokenSets.Contains(set) ? Pythia : Yelp;
        ModelKind[] kinds = Table3Command.ModelList(parse);
        bool quick = parse.GetValue(Table3Command.QuickOption);
        string outDir = Table3Command.OutDir(parse, set);
        var clock = Stopwatch.StartNew();
        var results = new List<RunResult>();
        var runs = new List<RunConfig>();
        var (train, test) = Table3Command.TrainTest(set, quick, 4096, 1024);
        using (train)
        using (test)
        {
            Console.Error.WriteLine($"{set}: {train.Count} training rows, {test.Count} test rows" +
                                    (TextSets.SentenceSets.Contains(set) ? " (held-out sentences)" : " (random 10%, seed 1)") + $", d = {train.Dim}");
            foreach (ModelKind kind in kinds)
            {
                RunConfig run = Table3Command.Config(parse, kind, set);
                string name = Json.Name(kind);
                var modelClock = Stopwatch.StartNew();
                results.Add(ExperimentRun.TrainAndEvaluate(run, train, test, Path.Combine(outDir, $"{name}-seed{run.Training.Seed}"),
                    Cli.TrainOptions(device, $"{set} {name}", token)));
                runs.Add(run);
                Console.Error.WriteLine($"{set} {name}: trained or reused, evaluated on {test.Count} test rows in {modelClock.Elapsed.TotalMinutes:F1} min");
            }
        }
        Print(Console.Out, set, results, runs, paper);
        Console.WriteLine($"{set}: {clock.Elapsed.TotalMinutes:F1} min; models and results.json in {outDir}");
        var json = new
        {
            command = "reproduce table3", data = set, description = Descriptions[set], versions = Versions.All, seconds = clock.Elapsed.TotalSeconds,
            paper = new { column = paper.Column, note = "a different dataset: for reference only", table3 = paper.Numbers.ToDictionary(kv => Json.Name(kv.Key), kv => new { re = kv.Value.Re, mean_active_dims = kv.Value.Ad }) },
            models = results.Zip(runs, (r, run) => new { model = Json.Name(r.Model), seed = r.Seed, seconds = r.Seconds, steps = r.Steps, config = run, results = r.Report }),
        };
        Json.Write(Path.Combine(outDir, "results.json"), json);
        if (Table3Command.JsonOut(parse) is { } path) Json.Write(path, json);
        return 0;
    }

    private static void Print(TextWriter w, string set, IReadOnlyList<RunResult> results, IReadOnlyList<RunConfig> runs, Reference paper)
    {
        w.WriteLine($"Table 3 on {set}: {Descriptions[set]}; test split of {results[0].Report.Samples} rows.");
        w.WriteLine("RE = mean per-sample sum of squared errors (deterministic code), AD = mean active dims (variance-split rule).");
        w.WriteLine($"The paper's columns are a DIFFERENT DATASET ({paper.Column}), shown for reference only.");
        w.WriteLine($"{"model",-9} {"kappa",5} {"epochs",6} {"steps",6} {"RE",10} {"FVU",7} {"AD",6} {"median AD",9} {"dead",4} {"train s",7}   {"paper RE",8} {"paper AD",8}");
        for (int i = 0; i < results.Count; i++)
        {
            RunResult r = results[i];
            var (re, ad) = paper.Numbers.GetValueOrDefault(r.Model, (double.NaN, double.NaN)); // the paper has no later SAEs
            var e = r.Report;
            w.WriteLine($"{Json.Name(r.Model),-9} {runs[i].Model.Latent,5} {runs[i].Training.Epochs,6} {r.Steps,6} {e.Re,10:G4} {e.Fvu,7:F4} {e.MeanActiveDims,6:F1} " +
                        $"{e.ActiveDimsPerSample.Median,9:F1} {e.DeadLatents,4} {r.Seconds,7:F0}   {re,8:G3} {ad,8:F1}");
        }
    }
}
