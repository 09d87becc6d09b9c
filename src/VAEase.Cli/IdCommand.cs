using System.CommandLine;
using VAEase.Data;
using VAEase.Generative;
using VAEase.Intrinsic;
using VAEase.IO;
using VAEase.Models;
using VAEase.Training;

namespace VAEase.Cli;

/// <summary>`vaease id`: intrinsic-dimension estimates of a data set side by side (Section 5.3, Table 4):
/// the classical k-NN estimators on one shared neighbour graph, and VAEase's own estimate, the mean
/// per-sample active dims of a trained model.</summary>
public static class IdCommand
{
    static readonly DiffusionEstimatorConfig DiffusionDefaults = new();
    static readonly NeighbourSearchConfig SearchDefaults = new();

    static readonly Option<string> Data = new("--data", "-d") { Description = "data spec, e.g. table2-linear or linear:d=12,dims=2+4,n=2000", Required = true };
    static readonly Option<string> Methods = new("--methods") { Description = "comma-separated: lpca, mle, twonn, vaease, nb, nb-centred, flipd (nb, nb-centred and flipd read a score model: --score)", DefaultValueFactory = _ => "lpca,mle,twonn,vaease" };
    static readonly Option<string> ModelDir = new("--model", "-m") { Description = "vaease: a trained VAEase folder (default: train one with the data's recipe, see --out)" };
    static readonly Option<string> Out = new("--out", "-o") { Description = "vaease without --model: where to train (default runs/id/<data>-vaease-seedS-eE; a finished run there with the same config is reused)" };
    static readonly Option<int?> Epochs = new("--epochs") { Description = "vaease without --model: training epochs (default: the recipe's)" };
    static readonly Option<long?> Subsample = new("--subsample") { Description = $"run the k-NN methods on a seeded random subset of N rows (needed above {SearchDefaults.MaxPoints} rows; vaease uses every row)" };
    static readonly Option<long> Seed = new("--seed") { Description = "seeds the subset and the trained model", DefaultValueFactory = _ => 1 };
    static readonly Option<string> ScoreDir = new("--score") { Description = "nb, flipd: a trained score model folder (`vaease score train`)" };
    static readonly Option<int> Points = new("--points") { Description = $"nb, flipd: estimate at a seeded random subset of N rows (default {DiffusionDefaults.Points})", DefaultValueFactory = _ => DiffusionDefaults.Points };
    static readonly Option<string> NbSigma = new("--nb-sigma") { Description = $"nb: noise level of the perturbed copies in the score model's coordinates; a comma-separated list sweeps it (default {DiffusionDefaults.NbSigma})", DefaultValueFactory = _ => Invariant(DiffusionDefaults.NbSigma) };
    static readonly Option<string> FlipdT0 = new("--flipd-t0") { Description = $"flipd: time t0 of the VP SDE; a comma-separated list sweeps it (default {DiffusionDefaults.FlipdT0})", DefaultValueFactory = _ => Invariant(DiffusionDefaults.FlipdT0) };
    static readonly Option<string> PlotPath = new("--plot") { Description = "nb, flipd: plot each estimate against its noise scale (give lists to --nb-sigma / --flipd-t0) to this PNG or SVG" };
    static readonly Option<string> JsonPath = new("--json") { Description = "also write the estimates, settings and versions as JSON to this file" };

    public static Command Create()
    {
        var command = new Command("id", "Estimate the intrinsic dimension of data: classical k-NN estimators and VAEase's mean active dims, overall and per group.")
        {
            Data, Methods, ModelDir, Out, Epochs, Subsample, ScoreDir, Points, NbSigma, FlipdT0, PlotPath, Seed, JsonPath, TrainCommand.DeviceOption, TrainCommand.Threads,
        };
        command.SetAction(parse => Cli.WithCancellation(token => Run(parse, token)));
        return command;
    }

    private static int Run(ParseResult parse, CancellationToken token)
    {
        var device = Devices.Setup(parse.GetValue(TrainCommand.DeviceOption)!, parse.GetValue(TrainCommand.Threads));
        string spec = parse.GetValue(Data)!;
        string[] methods = ParseMethods(parse.GetValue(Methods)!);
        var classical = methods.Where(DimensionEstimation.Methods.Contains).Select(DimensionEstimation.Create).ToList();
        var diffusion = methods.Where(DiffusionEstimators.Methods.Contains).ToList();
        bool withModel = methods.Contains(ModelEstimate.Method);
        if (!withModel && new Option[] { ModelDir, Out, Epochs }.FirstOrDefault(o => parse.GetResult(o) is not null) is { } unused)
            throw new VAEaseException($"{unused.Name} is only used by the {ModelEstimate.Method} method (add it to --methods)");
        if (diffusion.Count == 0 && new Option[] { ScoreDir, Points, NbSigma, FlipdT0, PlotPath }.FirstOrDefault(o => parse.GetResult(o) is { Implicit: false }) is { } unusedDiffusion)
            throw new VAEaseException($"{unusedDiffusion.Name} is only used by the nb and flipd methods (add them to --methods)");
        long seed = parse.GetValue(Seed);
        var search = SearchConfig(parse.GetValue(Subsample), seed);
        DataSpec.Info info = DataSpec.Describe(spec);

        // Settle the model (load it, or decide where to train) before any long computation, so a wrong
        // --model or --out fails at once.
        string? modelDir = parse.GetValue(ModelDir);
        ModelEstimate.Plan? plan = null;
        SparseAutoencoder? model = null;
        (ScoreNetwork Network, ScoreConfig Config)? score = null;
        if (diffusion.Count > 0)
            score = parse.GetValue(ScoreDir) is { } scoreDir ? ScoreRun.Load(scoreDir, device)
                : throw new VAEaseException($"{string.Join(" and ", diffusion)} read a trained score model: train one with `vaease score train --data {spec} --out DIR` and pass --score DIR");
        if (score is { } s0 && s0.Config.InputDim != info.Dim)
            throw new VAEaseException($"the score model expects d = {s0.Config.InputDim} but {spec} has d = {info.Dim}");
        if (parse.GetValue(PlotPath) is { } plotPath) VAEase.Plotting.PlotFile.CheckPath(plotPath);
        double[] nbSigmas = Scales(parse.GetValue(NbSigma)!, "--nb-sigma"), flipdT0s = Scales(parse.GetValue(FlipdT0)!, "--flipd-t0");
        var diffusionConfig = DiffusionDefaults with { Points = parse.GetValue(Points), NbSigma = nbSigmas[0], FlipdT0 = flipdT0s[0], Seed = seed };
        if (withModel && modelDir is not null) model = ModelEstimate.Load(modelDir, spec, info, device);
        else if (withModel) plan = ModelEstimate.PlanTraining(spec, parse.GetValue(Out), parse.GetValue(Epochs), seed);
        var guard = new OutputGuard().Data(spec);
        if (modelDir is not null) guard.Model(modelDir);
        if (parse.GetValue(ScoreDir) is { } scoreFolder) guard.Model(scoreFolder, "--score");
        if (plan is not null) guard.OutputFolder(plan.Dir, "--out").Model(plan.Dir, "--out");
        guard.OutputIfGiven(parse.GetValue(JsonPath), "--json").OutputIfGiven(parse.GetValue(PlotPath), "--plot");
        try
        {
            using Dataset data = DataSpec.Load(spec);
            var estimates = new Dictionary<string, DimensionEstimate>();
            var diffusionEstimates = new List<DimensionEstimate>();
            if (classical.Count > 0)
                foreach (DimensionEstimate e in RunClassical(data, classical, search)) estimates[e.Method] = e;
            if (score is { } sm)
                diffusionEstimates.AddRange(DiffusionEstimators.RunAtScales(sm.Network, sm.Config, data, diffusion, diffusionConfig, nbSigmas, flipdT0s, new PointProgress()));
            if (plan is not null)
            {
                model = ModelEstimate.Obtain(plan, device, token);
                modelDir = plan.Dir;
            }
            if (model is not null) estimates[ModelEstimate.Method] = ModelEstimate.Estimate(model, data, device);

            // In the order asked for; a diffusion method contributes one estimate per noise scale.
            var ordered = methods.SelectMany(m => estimates.TryGetValue(m, out var e) ? [e]
                : diffusionEstimates.Where(d => d.Method == m || d.Method.StartsWith(m + "@", StringComparison.Ordinal))).ToList();
            var truth = IdTable.Truth(info, data.Labels);
            IdTable.Print(Console.Out, spec, data, ordered, truth);
            if (parse.GetValue(PlotPath) is { } plot)
            {
                IdTable.SaveScalePlot(plot, DataSpec.Canonical(spec), ordered, truth);
                Console.Error.WriteLine($"wrote {plot}");
            }
            if (parse.GetValue(JsonPath) is { } path)
            {
                Json.Write(path, new
                {
                    data = DataSpec.Canonical(spec),
                    family = info.Family,
                    dim = data.Dim,
                    rows = data.Count,
                    truth,
                    settings = new
                    {
                        methods,
                        subsample = search.Subsample,
                        seed,
                        max_points = search.MaxPoints,
                        model_dir = modelDir,
                        model = model?.Config,
                        score_dir = parse.GetValue(ScoreDir),
                        score = score?.Config,
                        diffusion = diffusion.Count > 0 ? diffusionConfig : null,
                        nb_sigmas = diffusion.Count > 0 ? nbSigmas : null,
                        flipd_t0s = diffusion.Count > 0 ? flipdT0s : null,
                    },
                    estimates = ordered.ToDictionary(e => e.Method, IdTable.ForJson),
                    versions = Versions.All,
                });
                Console.Error.WriteLine($"wrote {path}");
            }
        }
        finally
        {
            model?.Dispose();
            score?.Network.Dispose();
        }
        return 0;
    }

    private static string Invariant(double value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A positive noise scale or a comma-separated list of them.</summary>
    private static double[] Scales(string text, string option)
    {
        double[] values = Naming.ParseList(text, option, v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).Distinct().ToArray();
        if (values.Any(v => !(v > 0) || !double.IsFinite(v)))
            throw new VAEaseException($"{option} values must be positive and finite, got '{text}'");
        return values;
    }

    /// <summary>The distinct method names in the order given.</summary>
    private static string[] ParseMethods(string text)
    {
        string[] names = Naming.ParseList(text, "--methods", name => name.ToLowerInvariant()).Distinct().ToArray();
        string[] known = [.. DimensionEstimation.Methods, ModelEstimate.Method, .. DiffusionEstimators.Methods];
        if (names.FirstOrDefault(n => !known.Contains(n)) is { } unknown)
            throw new VAEaseException($"unknown ID method '{unknown}' (expected one of: {string.Join(", ", known)})");
        return names;
    }

    /// <summary>The library's estimates; its size-limit error gains the flag that lifts it.</summary>
    private static IReadOnlyList<DimensionEstimate> RunClassical(Dataset data, IReadOnlyList<IDimensionEstimator> classical, NeighbourSearchConfig search)
    {
        try { return DimensionEstimation.Run(data, classical, search); }
        catch (VAEaseException e) when (search.Subsample is null && data.Count > search.MaxPoints)
        {
            throw new VAEaseException($"{e.Message} with --subsample N", e);
        }
    }

    private static NeighbourSearchConfig SearchConfig(long? subsample, long seed)
    {
        if (subsample is < 2) throw new VAEaseException($"--subsample must be >= 2, got {subsample}");
        if (subsample > SearchDefaults.MaxPoints)
            throw new VAEaseException($"--subsample {subsample} exceeds the exact k-NN limit of {SearchDefaults.MaxPoints} points");
        return SearchDefaults with { Subsample = subsample, Seed = seed };
    }

    /// <summary>One line per 10% of the points of a diffusion estimator, on stderr.</summary>
    private sealed class PointProgress : IProgress<(string Method, int Done, int Total)>
    {
        private readonly System.Diagnostics.Stopwatch clock = System.Diagnostics.Stopwatch.StartNew();

        public void Report((string Method, int Done, int Total) p)
        {
            if (p.Done % Math.Max(1, p.Total / 10) == 0 || p.Done == p.Total)
                Console.Error.WriteLine($"{p.Method}: {p.Done}/{p.Total} points ({clock.Elapsed.TotalSeconds:F0} s)");
        }
    }
}
