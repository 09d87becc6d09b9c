using System.CommandLine;
using VAEase.Data;
using VAEase.Evaluation;
using VAEase.Experiments;
using VAEase.IO;
using VAEase.Text;
using VAEase.Training;

namespace VAEase.Cli;

/// <summary>`vaease eval`: load a trained model, evaluate it on data, print a table, optionally write JSON.</summary>
public static class EvalCommand
{
    static readonly Option<string> ModelDir = new("--model", "-m") { Description = "a folder written by `vaease train`", Required = true };
    static readonly Option<string> Data = new("--data", "-d") { Description = "data spec (default: the model's training data, whose held-out test split is then used)" };
    static readonly Option<bool> AllRows = new("--all-rows") { Description = "evaluate every row, even of the training data (default: its test split)" };
    static readonly Option<string> JsonPath = new("--json") { Description = "also write the results as JSON to this file" };
    static readonly Option<string> PlotPath = new("--plot") { Description = "also draw the pooled activity of each latent dim, sorted, per group (manifold / class) to this .png or .svg" };
    static readonly Option<int?> Batch = new("--batch") { Description = "evaluation batch size (default 8192; 1024 for conv models)" };
    static readonly Option<int?> Downstream = new("--downstream-sentences") { Description = "minilm-act: splice the reconstructions into all-MiniLM-L6-v2 for this many held-out sentences (default all; 0: skip)" };

    public static Command Create()
    {
        var command = new Command("eval", "Evaluate a trained model: RE, FVU and active dimensions per sample and per group.")
        {
            ModelDir, Data, AllRows, JsonPath, PlotPath, Batch, Downstream, TrainCommand.DeviceOption, TrainCommand.Threads,
        };
        command.SetAction(Run);
        return command;
    }

    private static int Run(ParseResult parse)
    {
        if (parse.GetValue(PlotPath) is { } plotPath) PlotCommand.CheckImagePath(plotPath, "--plot");
        var device = Devices.Setup(parse.GetValue(TrainCommand.DeviceOption)!, parse.GetValue(TrainCommand.Threads));
        string dir = parse.GetValue(ModelDir)!;
        int? requested = parse.GetValue(Batch);
        if (requested < 1) throw new VAEaseException($"--batch must be >= 1, got {requested}");
        int? downstream = parse.GetValue(Downstream);
        if (downstream < 0) throw new VAEaseException($"--downstream-sentences must be >= 0, got {downstream}");
        var (model, run) = ModelStore.Load(dir, device);
        using (model)
        {
            string spec = parse.GetValue(Data) ?? run.Data;
            new OutputGuard().Model(dir).Data(spec).OutputIfGiven(parse.GetValue(JsonPath), "--json").OutputIfGiven(parse.GetValue(PlotPath), "--plot");
            bool sameData = DataSpec.Canonical(spec) == DataSpec.Canonical(run.Data);
            bool testSplit = sameData && !parse.GetValue(AllRows);
            int dim = DataSpec.Describe(spec).Dim;
            if (dim != run.Model.InputDim) throw new VAEaseException($"the model expects d = {run.Model.InputDim} but {spec} has d = {dim}");
            using Normalization? normalization = Normalization.Load(dir, run.Normalize, run.Model.InputDim);
            using Dataset data = testSplit ? RunData.HeldOut(run with { Data = spec }, normalization) : DataSpec.Load(spec);
            if (!testSplit) normalization?.Apply(data.X);
            string split = EvalFile.SplitOf(run, spec, testSplit, data.Count);
            EvalReport report = Evaluator.Evaluate(model, data, requested, device);
            Tables.PrintReport(Console.Out, run, spec, split, report);
            DownstreamFidelity? fidelity = testSplit && downstream != 0 && DataSpec.TextSet(spec)?.Set == MiniLmHarvest.ActSet
                ? DownstreamFidelity.Measure(model, normalization, TextSets.Require(MiniLmHarvest.ActSet), device, downstream)
                : null;
            if (fidelity is not null) Tables.PrintDownstream(Console.Out, fidelity);
            if (parse.GetValue(PlotPath) is { } plot)
            {
                Figures.ActivityPlot(plot, spec, report, model.ActivityKind);
                Console.Error.WriteLine($"wrote {plot}");
            }
            if (parse.GetValue(JsonPath) is { } path)
            {
                Json.Write(path, new EvalFile(dir, spec, split, run, Versions.All, report, fidelity));
                Console.Error.WriteLine($"wrote {path}");
            }
        }
        return 0;
    }
}
