using System.CommandLine;
using VAEase.Data;
using VAEase.Export;
using VAEase.IO;
using VAEase.Training;

namespace VAEase.Cli;

/// <summary>`vaease encode`: load a trained model, write the codes and per-sample active dims of every row of a data set
/// (an npy:, safetensors: or shards: matrix is read a batch at a time, so it may be larger than memory).</summary>
public static class EncodeCommand
{
    static readonly Option<string> ModelDir = new("--model", "-m") { Description = "a folder written by `vaease train`", Required = true };
    static readonly Option<string> Data = new("--data", "-d") { Description = "data spec to encode, every row (e.g. npy:acts.npy; see `vaease data list`)", Required = true };
    static readonly Option<string> Out = new("--out", "-o") { Description = "output file: NAME.npy (dense codes, plus NAME.active.npy) or NAME.safetensors", Required = true };
    static readonly Option<string> Format = new("--format") { Description = "npy | safetensors (default: from the --out extension)" };
    static readonly Option<bool> Sparse = new("--sparse") { Description = "safetensors only: COO codes (indices, values, shape) of the nonzero entries (SAEs) or the active dims (VAE family)" };
    static readonly Option<string> JsonPath = new("--json") { Description = "also write a summary (rows, kappa, mean active dims, files) as JSON to this file" };
    static readonly Option<int?> Batch = new("--batch") { Description = "rows per forward pass (default 8192; 1024 for conv models)" };

    public static Command Create()
    {
        var command = new Command("encode", "Write a trained model's codes (dense or sparse COO) and per-sample active dims for a data set.")
        {
            ModelDir, Data, Out, Format, Sparse, JsonPath, Batch, TrainCommand.DeviceOption, TrainCommand.Threads,
        };
        command.SetAction(Run);
        return command;
    }

    private static int Run(ParseResult parse)
    {
        var device = Devices.Setup(parse.GetValue(TrainCommand.DeviceOption)!, parse.GetValue(TrainCommand.Threads));
        var options = new EncodeOptions
        {
            Output = parse.GetValue(Out)!,
            Format = parse.GetValue(Format) is { } f ? Naming.Parse<CodeFormat>(f, "format") : null,
            Sparse = parse.GetValue(Sparse),
            BatchSize = parse.GetValue(Batch),
        }.Validate();
        string dir = parse.GetValue(ModelDir)!, spec = parse.GetValue(Data)!;
        var guard = new OutputGuard().Model(dir).Data(spec);
        foreach (string output in CodeExport.OutputsOf(options)) guard.Output(output, "--out");
        guard.OutputIfGiven(parse.GetValue(JsonPath), "--json");
        var (model, run) = ModelStore.Load(dir, device);
        using (model)
        {
            using Normalization? normalization = Normalization.Load(dir, run.Normalize, run.Model.InputDim);
            EncodeSummary summary;
            if (DataSpec.IsFileMatrix(spec))
            {
                // Files are read a batch at a time: encoding a matrix larger than memory needs no flag.
                using MappedMatrix matrix = DataSpec.OpenMapped(spec);
                summary = CodeExport.Encode(model, matrix, normalization, options, device);
            }
            else
            {
                using Dataset data = DataSpec.Load(spec);
                normalization?.Apply(data.X);
                summary = CodeExport.Encode(model, data, options, device);
            }
            Console.WriteLine($"encoded {summary.Samples} rows: kappa {summary.Latent}, mean active dims {summary.MeanActiveDims:F2}, " +
                              $"{summary.Layout} {summary.Format} -> {string.Join(", ", summary.Outputs)}");
            if (parse.GetValue(JsonPath) is { } path)
            {
                Json.Write(path, summary);
                Console.Error.WriteLine($"wrote {path}");
            }
        }
        return 0;
    }
}
