using System.CommandLine;
using VAEase.Data;
using VAEase.Evaluation;
using VAEase.Experiments;
using VAEase.IO;
using VAEase.Models;
using VAEase.Training;

namespace VAEase.Cli;

/// <summary>`vaease plot masking`: Figure 4 for any trained models — RE as latent dims are masked in order of
/// activity (spec §4; the VAE is not gated), one line per model, plus the numbers as CSV and JSON.</summary>
public static class PlotMaskingCommand
{
    static readonly Option<string> Models = new("--models") { Description = "comma-separated trained model folders (e.g. runs/table3/fashion-mnist/vaease-seed1,...)", Required = true };
    static readonly Option<string> Data = new("--data", "-d") { Description = "data spec to evaluate on, e.g. fashion-mnist:split=test", Required = true };
    static readonly Option<string> Out = new("--out", "-o") { Description = "the figure, .png or .svg (the CSV is written beside it)", DefaultValueFactory = _ => "figure4-masking.png" };
    static readonly Option<string> JsonPath = new("--json") { Description = "also write the curves as JSON to this file" };

    public static Command Create()
    {
        var command = new Command("masking", "Figure 4: reconstruction error as latent dims are masked, most active kept first, for trained models.")
        {
            Models, Data, Out, JsonPath, TrainCommand.DeviceOption, TrainCommand.Threads,
        };
        command.SetAction(Run);
        return command;
    }

    private static int Run(ParseResult parse)
    {
        string path = parse.GetValue(Out)!;
        PlotCommand.CheckImagePath(path, "--out");
        string[] dirs = Naming.ParseList(parse.GetValue(Models)!, "--models", s => s);
        new OutputGuard().Models(dirs, "--models").Data(parse.GetValue(Data)!)
            .Output(path, "--out").Output(Path.ChangeExtension(path, ".csv"), "--out (its .csv)").OutputIfGiven(parse.GetValue(JsonPath), "--json");
        var device = Devices.Setup(parse.GetValue(TrainCommand.DeviceOption)!, parse.GetValue(TrainCommand.Threads));
        using Dataset data = DataSpec.Load(parse.GetValue(Data)!);
        var curves = new List<MaskingResult>();
        foreach (string dir in dirs)
        {
            var (model, run) = ModelStore.Load(dir, device);
            using (model)
            {
                if (run.Model.InputDim != data.Dim)
                    throw new VAEaseException($"the model in {dir} expects d = {run.Model.InputDim} but {data.Name} has d = {data.Dim}");
                curves.Add(MaskingCurve.Evaluate(model, data, device: device));
            }
        }
        if (curves.Any(c => !c.Kept.SequenceEqual(curves[0].Kept)))
            throw new VAEaseException("--models: the models have different latent dimensions; plot them separately");
        Figures.MaskingPlot(path, data.Name, curves);
        string csv = Path.ChangeExtension(path, ".csv");
        AtomicFile.WriteAllText(csv, Figures.MaskingTable(curves));
        foreach (MaskingResult c in curves)
            Console.WriteLine($"{Json.Name(c.Model),-9} RE with all {c.Latent} dims {c.FullRe:G4}; mean active dims {c.MeanActiveDims:F1}; RE keeping " +
                              string.Join(", ", new[] { 1, 2, 4, 8, 16 }.Where(k => k <= c.Latent).Select(k => $"{k}: {c.Re[k - 1]:G4}")));
        if (parse.GetValue(JsonPath) is { } json) Json.Write(json, new { command = "plot masking", data = data.Name, versions = Versions.All, curves });
        Console.WriteLine($"wrote {path} and {csv}");
        return 0;
    }
}
