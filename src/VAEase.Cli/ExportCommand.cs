using System.CommandLine;
using VAEase.Export;
using VAEase.IO;
using VAEase.Data;
using VAEase.Models;
using VAEase.Training;
using static TorchSharp.torch;

namespace VAEase.Cli;

/// <summary>`vaease export`: write a trained model in another library's layout (SAELens).</summary>
public static class ExportCommand
{
    static readonly Option<string> ModelDir = new("--model", "-m") { Description = "a folder written by `vaease train`", Required = true };
    static readonly Option<string> Format = new Option<string>("--format") { Description = "saelens: sae_weights.safetensors + cfg.json for sae_lens.SAE.load_from_disk (SAELens 6)", Required = true }
        .AcceptOnlyFromAmong("saelens");
    static readonly Option<string> Out = new("--out", "-o") { Description = "output folder (created if needed)", Required = true };
    static readonly Option<string> HookName = new("--hook-name") { Description = "TransformerLens hook the activations came from, e.g. blocks.8.hook_resid_pre (SAELens metadata)" };
    static readonly Option<string> ModelName = new("--model-name") { Description = "transformer the activations came from, e.g. gpt2-small (SAELens metadata)" };
    static readonly Option<string> Data = new("--data", "-d") { Description = "data spec whose rows measure each latent's firing frequency for sparsity.safetensors (SAELens's log10 feature density); without it that file is not written" };

    public static Command Create()
    {
        var command = new Command("export", "Export a trained SAE (sae-l1, sae-log, sae-topk, sae-batchtopk, sae-jumprelu; one Linear encoder, linear decoder) for SAELens.")
        {
            ModelDir, Format, Out, HookName, ModelName, Data,
        };
        command.SetAction(Run);
        return command;
    }

    private static int Run(ParseResult parse)
    {
        string dir = parse.GetValue(ModelDir)!, outDir = parse.GetValue(Out)!;
        string? spec = parse.GetValue(Data);
        var guard = new OutputGuard().Model(dir).OutputFolder(outDir, "--out");
        if (spec is not null) guard.Data(spec);
        foreach (string file in new[] { SaeLensExport.WeightsFile, SaeLensSparsity.File, SaeLensExport.ConfigFile }) guard.Output(Path.Combine(outDir, file), "--out");
        var (model, run) = ModelStore.Load(dir);
        if (run.Normalize != NormalizeMode.None)
        {
            model.Dispose();
            throw new VAEaseException($"{dir} was trained on normalised data ({IO.Json.Name(run.Normalize)}); the SAELens export does not carry the normalisation");
        }
        using (model)
        {
            var options = new SaeLensOptions { HookName = parse.GetValue(HookName), ModelName = parse.GetValue(ModelName), DatasetPath = run.Data };
            if (SaeLensExport.Problem(model.Config) is { } problem) throw new VAEaseException(problem);
            using Tensor? logDensity = spec is null ? null : MeasureDensity(model, spec);
            IReadOnlyList<string> files = SaeLensExport.Export(model, outDir, options, logDensity);
            Console.WriteLine($"wrote {string.Join(", ", files)}; load with sae_lens.SAE.load_from_disk(\"{outDir}\")");
            if (logDensity is null) Console.Error.WriteLine($"{SaeLensSparsity.File} not written: no --data to measure the feature density on");
        }
        return 0;
    }

    /// <summary>log10 feature density over the rows of the spec: a matrix file a batch at a time, other data loaded.</summary>
    private static Tensor MeasureDensity(SparseAutoencoder model, string spec)
    {
        if (DataSpec.IsFileMatrix(spec))
        {
            using MappedMatrix matrix = DataSpec.OpenMapped(spec);
            return SaeLensSparsity.LogDensity(model, matrix);
        }
        using Dataset data = DataSpec.Load(spec);
        return SaeLensSparsity.LogDensity(model, data);
    }
}
