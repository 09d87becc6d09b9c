using System.CommandLine;
using System.Globalization;
using VAEase.Evaluation;
using VAEase.IO;
using VAEase.Plotting;
using VAEase.Training;

namespace VAEase.Cli;

/// <summary>`vaease plot landscape`: Figure 3 (appendix D.1) — the 1-D SAE-log loss against the VAEase
/// loss over the latent value, the decoder weight optimised out: two local minima against one.</summary>
public static class PlotLandscapeCommand
{
    static readonly LandscapeConfig Defaults = new();

    static readonly Option<string> Out = new("--out", "-o") { Description = "the figure, .png or .svg", DefaultValueFactory = _ => "figure3-landscape.png" };
    static readonly Option<string> JsonPath = new("--json") { Description = "also write the curves and minima as JSON to this file" };
    static readonly Option<double> L1 = new("--l1") { Description = "SAE-log: lambda1, weight of log(|z| + eps)", DefaultValueFactory = _ => Defaults.Lambda1 };
    static readonly Option<double> L2 = new("--l2") { Description = "SAE-log: lambda2, weight of w^2", DefaultValueFactory = _ => Defaults.Lambda2 };
    static readonly Option<double> Eps = new("--eps") { Description = "SAE-log: eps of log(|z| + eps)", DefaultValueFactory = _ => Defaults.Eps };
    static readonly Option<double> Gamma = new("--gamma") { Description = "VAEase: the fixed decoder variance gamma", DefaultValueFactory = _ => Defaults.Gamma };
    static readonly Option<double> X = new("--x") { Description = "the data value x", DefaultValueFactory = _ => Defaults.X };
    static readonly Option<double> ZMax = new("--zmax") { Description = "right end of the latent grid [0, zmax]", DefaultValueFactory = _ => Defaults.ZMax };
    static readonly Option<int> Points = new("--points") { Description = "grid points", DefaultValueFactory = _ => Defaults.Points };

    /// <summary>The flag of each LandscapeConfig property, for validation messages.</summary>
    static readonly Dictionary<string, string> Flags = new()
    {
        [nameof(LandscapeConfig.Lambda1)] = "--l1", [nameof(LandscapeConfig.Lambda2)] = "--l2", [nameof(LandscapeConfig.Eps)] = "--eps",
        [nameof(LandscapeConfig.Gamma)] = "--gamma", [nameof(LandscapeConfig.X)] = "--x", [nameof(LandscapeConfig.ZMax)] = "--zmax",
        [nameof(LandscapeConfig.Points)] = "--points",
    };

    public static Command Create()
    {
        var command = new Command("landscape", "Figure 3: the 1-D SAE-log and VAEase losses over the latent value (decoder weight optimised out); SAE-log has two local minima, VAEase one.")
        {
            Out, JsonPath, L1, L2, Eps, Gamma, X, ZMax, Points,
        };
        command.SetAction(Run);
        return command;
    }

    private static int Run(ParseResult parse)
    {
        string path = parse.GetValue(Out)!;
        PlotCommand.CheckImagePath(path, "--out");
        new OutputGuard().Output(path, "--out").OutputIfGiven(parse.GetValue(JsonPath), "--json");
        var config = new LandscapeConfig
        {
            X = parse.GetValue(X), Lambda1 = parse.GetValue(L1), Lambda2 = parse.GetValue(L2), Eps = parse.GetValue(Eps),
            Gamma = parse.GetValue(Gamma), ZMax = parse.GetValue(ZMax), Points = parse.GetValue(Points),
        };
        try { config.Validate(); }
        catch (ArgumentException e) when (e.ParamName is { } name && Flags.TryGetValue(name, out string? flag))
        {
            throw new VAEaseException($"invalid {flag}: {e.Message.Split(" (Parameter")[0]}");
        }

        LossLandscape landscape = LossLandscape.Compute(config);
        string title = $"SAE-log: {Count(landscape.MinimaSaeLog)} ({Where(landscape.MinimaSaeLog)}) vs VAEase: {landscape.MinimaVAEase.Length} ({Where(landscape.MinimaVAEase)})";
        LinePlot.Save(path,
        [
            new Series("SAE-log", landscape.Z, Rescaled(landscape.LossSaeLog)),
            new Series("VAEase", landscape.Z, Rescaled(landscape.LossVAEase)),
        ], new ChartLabels(title, "latent value z (VAEase: mean mu_z), decoder weight optimised out", "loss, rescaled to [0, 1] per curve"));

        Console.WriteLine($"1-D losses of Figure 3: x = {G(config.X)}; SAE-log lambda1 = {G(config.Lambda1)}, lambda2 = {G(config.Lambda2)}, eps = {G(config.Eps)}; " +
                          $"VAEase gamma = {G(config.Gamma)}; z in [0, {G(config.ZMax)}], {config.Points} points");
        Console.WriteLine($"SAE-log: {Count(landscape.MinimaSaeLog)}: {Describe(landscape.MinimaSaeLog, z => LossLandscape.SaeLog(config, z), null)}");
        Console.WriteLine($"VAEase: {Count(landscape.MinimaVAEase)}: {Describe(landscape.MinimaVAEase, z => LossLandscape.VAEase(config, z).Loss, z => LossLandscape.VAEase(config, z).Sigma)}");
        Console.Error.WriteLine($"wrote {path}");
        if (parse.GetValue(JsonPath) is { } json)
        {
            Json.Write(json, new
            {
                config,
                z = landscape.Z,
                loss_sae_log = landscape.LossSaeLog,
                loss_vaease = landscape.LossVAEase,
                sigma_vaease = landscape.SigmaVAEase,
                minima_sae_log = landscape.MinimaSaeLog,
                minima_vaease = landscape.MinimaVAEase,
                versions = Versions.All,
            });
            Console.Error.WriteLine($"wrote {json}");
        }
        return 0;
    }

    static string Count(double[] minima) => minima.Length == 1 ? "1 local minimum" : $"{minima.Length} local minima";

    static string Where(double[] minima) => "z = " + string.Join(", ", minima.Select(z => z.ToString("0.###", CultureInfo.InvariantCulture)));

    static string Describe(double[] minima, Func<double, double> loss, Func<double, double>? sigma) =>
        string.Join(", ", minima.Select(z => $"z = {z:0.####} (loss {loss(z):G5}{(sigma is null ? "" : $", sigma_z {sigma(z):0.####}")})"));

    static string G(double value) => value.ToString("G4", CultureInfo.InvariantCulture);

    /// <summary>(loss - min) / (max - min): the two losses differ in offset and scale (VAEase's carries
    /// log(2 pi gamma) and the KL term), and only where each has its minima matters here.</summary>
    static double[] Rescaled(double[] loss)
    {
        double lo = loss.Min(), range = loss.Max() - lo;
        return Array.ConvertAll(loss, v => range > 0 ? (v - lo) / range : 0);
    }
}
