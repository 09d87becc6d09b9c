using System.CommandLine;
using VAEase.Data;
using VAEase.Evaluation;
using VAEase.Experiments;
using VAEase.IO;
using VAEase.Training;

namespace VAEase.Cli;

/// <summary>`vaease report top-activations`: a markdown report of the top-activating tokens, sentences or words per
/// latent of a model trained on a text set.</summary>
public static class ReportCommand
{
    static readonly Option<string> ModelDir = new("--model", "-m") { Description = "a folder written by `vaease train` or `reproduce table3`", Required = true };
    static readonly Option<string> Data = new("--data", "-d") { Description = "llm-act[:split=...], text-emb[:split=...] or glove (default: the model's data, its test split where it has one)" };
    static readonly Option<int> Latents = new("--latents") { Description = "how many latents: the most often active ones", DefaultValueFactory = _ => 20 };
    static readonly Option<int> K = new("--k") { Description = "examples per latent", DefaultValueFactory = _ => 10 };
    static readonly Option<string> Out = new("--out", "-o") { Description = "the markdown file to write", Required = true };

    public static Command Create()
    {
        var top = new Command("top-activations", "Top-activating examples per latent (token in its sentence, sentence, or word) as markdown.")
        {
            ModelDir, Data, Latents, K, Out, TrainCommand.DeviceOption, TrainCommand.Threads,
        };
        top.SetAction(TopActivationsAction);
        return new Command("report", "Reports on a trained model.") { top };
    }

    private static int TopActivationsAction(ParseResult parse)
    {
        var device = Devices.Setup(parse.GetValue(TrainCommand.DeviceOption)!, parse.GetValue(TrainCommand.Threads));
        int latents = parse.GetValue(Latents), k = parse.GetValue(K);
        if (latents < 1) throw new VAEaseException($"--latents must be >= 1, got {latents}");
        if (k < 1) throw new VAEaseException($"--k must be >= 1, got {k}");
        string dir = parse.GetValue(ModelDir)!;
        if (parse.GetValue(Data) is { } given) TextSet(given); // a bad --data fails before the model loads
        new OutputGuard().Model(dir).Output(parse.GetValue(Out)!, "--out");
        var (model, run) = ModelStore.Load(dir, device);
        using (model)
        {
            string spec = parse.GetValue(Data) ?? DefaultSpec(run.Data);
            var (set, split) = TextSet(spec);
            IReadOnlyList<TextRow> rows = TextRows.Load(set, split);
            using Dataset data = DataSpec.Load(spec);
            if (data.Dim != model.Config.InputDim) throw new VAEaseException($"{spec}: d = {data.Dim}, but the model in {dir} takes d = {model.Config.InputDim}");
            var top = TopActivations.Compute(EncodedSet.Of(model, data, device: device), latents, k);
            string output = parse.GetValue(Out)!;
            TopActivationReport.Write(output, $"Top-activating examples: {Json.Name(model.Config.Kind)} on {DataSpec.Canonical(spec)}",
                $"Model {Path.GetFullPath(dir)} (kappa {model.Config.Latent}, seed {run.Training.Seed}, trained on {run.Data}); {data.Count} rows; " +
                $"the {top.Count} most often active latents, {k} examples each. VAEase {Versions.All["vaease"]}.", top, rows);
            Console.WriteLine($"wrote {output}: {top.Count} latents x up to {k} examples from {data.Count} rows of {DataSpec.Canonical(spec)}");
        }
        return 0;
    }

    private static (string Set, string Split) TextSet(string spec) => DataSpec.TextSet(spec)
        ?? throw new VAEaseException($"--data '{spec}': top-activation reports need a text set with row metadata (llm-act, text-emb or glove)");

    /// <summary>The model's training data, moved to its test split where it has one.</summary>
    private static string DefaultSpec(string trained) => DataSpec.TextSet(trained) is { Set: var set } && TextSets.SentenceSets.Contains(set)
        ? $"{set}:split=test"
        : trained;
}
