using System.CommandLine;
using VAEase.Data;
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
    /// <summary>Methods that need a trained diffusion (score) model, which vaease does not have yet.</summary>
    static readonly string[] DiffusionMethods = ["nb", "flipd"];

    static readonly NeighbourSearchConfig SearchDefaults = new();

    static readonly Option<string> Data = new("--data", "-d") { Description = "data spec, e.g. table2-linear or linear:d=12,dims=2+4,n=2000", Required = true };
    static readonly Option<string> Methods = new("--methods") { Description = "comma-separated: lpca, mle, twonn, vaease (nb and flipd need a diffusion model: not available yet)", DefaultValueFactory = _ => "lpca,mle,twonn,vaease" };
    static readonly Option<string> ModelDir = new("--model", "-m") { Description = "vaease: a trained VAEase folder (default: train one with the data's recipe, see --out)" };
    static readonly Option<string> Out = new("--out", "-o") { Description = "vaease without --model: where to train (default runs/id/<data>-vaease-seedS-eE; a finished run there with the same config is reused)" };
    static readonly Option<int?> Epochs = new("--epochs") { Description = "vaease without --model: training epochs (default: the recipe's)" };
    static readonly Option<long?> Subsample = new("--subsample") { Description = $"run the k-NN methods on a seeded random subset of N rows (needed above {SearchDefaults.MaxPoints} rows; vaease uses every row)" };
    static readonly Option<long> Seed = new("--seed") { Description = "seeds the subset and the trained model", DefaultValueFactory = _ => 1 };
    static readonly Option<string> JsonPath = new("--json") { Description = "also write the estimates, settings and versions as JSON to this file" };

    public static Command Create()
    {
        var command = new Command("id", "Estimate the intrinsic dimension of data: classical k-NN estimators and VAEase's mean active dims, overall and per group.")
        {
            Data, Methods, ModelDir, Out, Epochs, Subsample, Seed, JsonPath, TrainCommand.DeviceOption, TrainCommand.Threads,
        };
        command.SetAction(parse => Cli.WithCancellation(token => Run(parse, token)));
        return command;
    }

    private static int Run(ParseResult parse, CancellationToken token)
    {
        var device = Devices.Setup(parse.GetValue(TrainCommand.DeviceOption)!, parse.GetValue(TrainCommand.Threads));
        string spec = parse.GetValue(Data)!;
        string[] methods = ParseMethods(parse.GetValue(Methods)!);
        var classical = methods.Where(m => m != ModelEstimate.Method).Select(DimensionEstimation.Create).ToList();
        bool withModel = methods.Contains(ModelEstimate.Method);
        if (!withModel && new Option[] { ModelDir, Out, Epochs }.FirstOrDefault(o => parse.GetResult(o) is not null) is { } unused)
            throw new VAEaseException($"{unused.Name} is only used by the {ModelEstimate.Method} method (add it to --methods)");
        long seed = parse.GetValue(Seed);
        var search = SearchConfig(parse.GetValue(Subsample), seed);
        DataSpec.Info info = DataSpec.Describe(spec);

        // Settle the model (load it, or decide where to train) before any long computation, so a wrong
        // --model or --out fails at once.
        string? modelDir = parse.GetValue(ModelDir);
        ModelEstimate.Plan? plan = null;
        SparseAutoencoder? model = null;
        if (withModel && modelDir is not null) model = ModelEstimate.Load(modelDir, spec, info, device);
        else if (withModel) plan = ModelEstimate.PlanTraining(spec, parse.GetValue(Out), parse.GetValue(Epochs), seed);
        try
        {
            using Dataset data = DataSpec.Load(spec);
            var estimates = new Dictionary<string, DimensionEstimate>();
            if (classical.Count > 0)
                foreach (DimensionEstimate e in RunClassical(data, classical, search)) estimates[e.Method] = e;
            if (plan is not null)
            {
                model = ModelEstimate.Obtain(plan, device, token);
                modelDir = plan.Dir;
            }
            if (model is not null) estimates[ModelEstimate.Method] = ModelEstimate.Estimate(model, data, device);

            var ordered = methods.Select(m => estimates[m]).ToList();
            var truth = IdTable.Truth(info, data.Labels);
            IdTable.Print(Console.Out, spec, data, ordered, truth);
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
        }
        return 0;
    }

    /// <summary>The distinct method names in the order given; nb and flipd are refused, not faked.</summary>
    private static string[] ParseMethods(string text)
    {
        string[] names = Naming.ParseList(text, "--methods", name => name.ToLowerInvariant()).Distinct().ToArray();
        string[] known = [.. DimensionEstimation.Methods, ModelEstimate.Method];
        foreach (string name in names)
        {
            if (DiffusionMethods.Contains(name))
                throw new VAEaseException($"ID method '{name}' is not available yet: it needs a trained diffusion (score) model, which vaease does not provide (use {string.Join(", ", known)})");
            if (!known.Contains(name))
                throw new VAEaseException($"unknown ID method '{name}' (expected one of: {string.Join(", ", known)}; nb and flipd are not available yet)");
        }
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
}
