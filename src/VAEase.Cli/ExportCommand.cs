using System.CommandLine;
using VAEase.Export;
using VAEase.IO;
using VAEase.Training;

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

    public static Command Create()
    {
        var command = new Command("export", "Export a trained ReLU SAE (sae-l1, sae-log, sae-topk; one Linear encoder, linear decoder) for SAELens.")
        {
            ModelDir, Format, Out, HookName, ModelName,
        };
        command.SetAction(Run);
        return command;
    }

    private static int Run(ParseResult parse)
    {
        string dir = parse.GetValue(ModelDir)!, outDir = parse.GetValue(Out)!;
        var guard = new OutputGuard().Model(dir).OutputFolder(outDir, "--out");
        foreach (string file in new[] { SaeLensExport.WeightsFile, SaeLensExport.ConfigFile }) guard.Output(Path.Combine(outDir, file), "--out");
        var (model, run) = ModelStore.Load(dir);
        if (run.Normalize != Data.NormalizeMode.None)
        {
            model.Dispose();
            throw new VAEaseException($"{dir} was trained on normalised data ({IO.Json.Name(run.Normalize)}); the SAELens export does not carry the normalisation");
        }
        using (model)
        {
            var options = new SaeLensOptions { HookName = parse.GetValue(HookName), ModelName = parse.GetValue(ModelName), DatasetPath = run.Data };
            IReadOnlyList<string> files = SaeLensExport.Export(model, outDir, options);
            Console.WriteLine($"wrote {string.Join(" and ", files)}; load with sae_lens.SAE.load_from_disk(\"{outDir}\")");
        }
        return 0;
    }
}
