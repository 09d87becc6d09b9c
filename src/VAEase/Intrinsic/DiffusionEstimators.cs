using TorchSharp;
using VAEase.Data;
using VAEase.Generative;
using VAEase.Models;
using static TorchSharp.torch;

namespace VAEase.Intrinsic;

/// <summary>Settings of the diffusion-based estimators (spec/ID-ESTIMATION.md).</summary>
public sealed record DiffusionEstimatorConfig
{
    /// <summary>Points estimated (a seeded random subset of the rows; each point costs thousands of network evaluations).</summary>
    public int Points { get; init; } = 200;

    /// <summary>NB: noise level of the perturbed copies, in the score model's coordinates (sigma_min of the VE SDE).</summary>
    public double NbSigma { get; init; } = 0.01;

    /// <summary>NB: perturbed copies per point as a multiple of d (the method's K ~ 4d).</summary>
    public int NbCopiesPerDim { get; init; } = 4;

    /// <summary>FLIPD: the time t0 of the variance-preserving SDE (beta linear in [0.1, 20]).</summary>
    public double FlipdT0 { get; init; } = 0.05;

    /// <summary>FLIPD: the trace of the score Jacobian is exact (d probes) up to this d, Hutchinson above.</summary>
    public int ExactTraceUpTo { get; init; } = 3500;

    /// <summary>FLIPD: Rademacher probes of the Hutchinson trace.</summary>
    public int HutchinsonProbes { get; init; } = 256;

    /// <summary>Rows per network evaluation.</summary>
    public int BatchRows { get; init; } = 4096;

    public long Seed { get; init; } = 1;
}

/// <summary>A noise-prediction function eps_hat(rows, sigma) = -sigma * score(rows, sigma) of data perturbed by
/// Gaussian noise of standard deviation sigma (a trained <see cref="ScoreNetwork"/>, or a closed form in tests).</summary>
public delegate Tensor NoisePredictor(Tensor rows, double sigma);

/// <summary>NB (Stanczuk et al., 2024) and FLIPD (Kamkari et al., 2024) from a trained score model.</summary>
public static class DiffusionEstimators
{
    /// <summary>The predictor of a trained network.</summary>
    public static NoisePredictor Of(ScoreNetwork network) =>
        (rows, sigma) => network.forward(rows, full(rows.shape[0], Math.Log(sigma), device: rows.device));

    /// <summary>nb: the method as published; nb-centred: the public variant that centres the score matrix before
    /// the SVD and skips the first gap; flipd.</summary>
    public static readonly IReadOnlyList<string> Methods = ["nb", "nb-centred", "flipd"];

    /// <summary>The VP SDE's B(t) = 0.1 t + (20 - 0.1) t^2 / 2.</summary>
    public static double IntegratedBeta(double t) => 0.1 * t + (20 - 0.1) * t * t / 2;

    /// <summary>The VE noise level equivalent to VP time t: x_t / alpha = x + (sigma / alpha) eps, so
    /// sigma_VE = sqrt(1 - e^-B) / e^(-B/2) = sqrt(e^B - 1).</summary>
    public static double EquivalentSigma(double t) => Math.Sqrt(Math.Exp(IntegratedBeta(t)) - 1);

    /// <summary>Runs the named methods (nb, flipd) on a seeded subset of the rows of <paramref name="data"/>.</summary>
    public static IReadOnlyList<DimensionEstimate> Run(ScoreNetwork network, ScoreConfig score, Dataset data, IReadOnlyList<string> methods,
        DiffusionEstimatorConfig config, IProgress<(string Method, int Done, int Total)>? progress = null)
    {
        if (data.Dim != score.InputDim) throw new VAEaseException($"the score model expects d = {score.InputDim} but {data.Name} has d = {data.Dim}");
        if (config.Points < 1) throw new VAEaseException($"points must be positive, got {config.Points}");
        NoisePredictor predictor = Of(network);
        long[] rows = SubsetRows(data.Count, config.Points, config.Seed);
        long[]? labels = data.Labels is { } all ? Array.ConvertAll(rows, r => all[r]) : null;
        var estimates = new List<DimensionEstimate>();
        foreach (string method in methods)
        {
            double[] perPoint = new double[rows.Length];
            SortedDictionary<string, double> settings;
            using var noise = new torch.Generator((ulong)config.Seed + 7, CPU);
            for (int i = 0; i < rows.Length; i++)
            {
                using var scope = NewDisposeScope();
                Tensor y = ScoreModel.ToModelSpace(score, data.X[rows[i]]);
                perPoint[i] = method switch
                {
                    "nb" => NormalBundle(predictor, y, config, noise),
                    "nb-centred" => NormalBundle(predictor, y, config, noise, centred: true),
                    "flipd" => Flipd(predictor, y, config),
                    _ => throw new VAEaseException($"unknown diffusion ID method '{method}' (expected nb or flipd)"),
                };
                progress?.Report((method, i + 1, rows.Length));
            }
            settings = method.StartsWith("nb", StringComparison.Ordinal)
                ? new() { ["sigma"] = config.NbSigma, ["copies"] = config.NbCopiesPerDim * data.Dim, ["points"] = rows.Length }
                : new() { ["t0"] = config.FlipdT0, ["sigma_ve"] = EquivalentSigma(config.FlipdT0), ["exact_trace"] = data.Dim <= config.ExactTraceUpTo ? 1 : 0, ["points"] = rows.Length };
            estimates.Add(PointAggregate.Build(method, labels, rows.Length, rows, perPoint, PointAggregate.Mean, "mean of per-point estimates", perPoint, settings));
        }
        return estimates;
    }

    /// <summary>Runs each method at each of its noise scales (NB and NB-c: sigma, FLIPD: t0) — the estimators
    /// depend on the scale, so a sweep shows how much. With one scale an estimate keeps its method's name; with
    /// several it is named method@scale (nb@0.1, flipd@0.05).</summary>
    public static IReadOnlyList<DimensionEstimate> RunAtScales(ScoreNetwork network, ScoreConfig score, Dataset data, IReadOnlyList<string> methods,
        DiffusionEstimatorConfig config, IReadOnlyList<double> nbSigmas, IReadOnlyList<double> flipdT0s,
        IProgress<(string Method, int Done, int Total)>? progress = null)
    {
        var estimates = new List<DimensionEstimate>();
        foreach (string method in methods)
        {
            bool nb = method.StartsWith("nb", StringComparison.Ordinal);
            IReadOnlyList<double> scales = nb ? nbSigmas : flipdT0s;
            if (scales.Count == 0) throw new VAEaseException($"{method}: no noise scale given");
            foreach (double scale in scales)
            {
                DiffusionEstimatorConfig at = nb ? config with { NbSigma = scale } : config with { FlipdT0 = scale };
                DimensionEstimate e = Run(network, score, data, [method], at, progress)[0];
                estimates.Add(scales.Count == 1 ? e : e with { Method = $"{method}@{scale.ToString(System.Globalization.CultureInfo.InvariantCulture)}" });
            }
        }
        return estimates;
    }

    /// <summary>NB at one point y (model coordinates): K = copies * d perturbed copies y + sigma eps, their
    /// scores stacked as a K x d matrix, its singular values s_1 >= ... >= s_d; the normal dimension n is
    /// where the largest gap s_n - s_(n+1) is, and the estimate is d - n. <paramref name="centred"/>: subtract the
    /// mean score row first and ignore the first gap (the variant of one public implementation).</summary>
    public static double NormalBundle(NoisePredictor predictor, Tensor y, DiffusionEstimatorConfig config, torch.Generator noise, bool centred = false)
    {
        using var noGrad = no_grad();
        long d = y.shape[0], copies = config.NbCopiesPerDim * d;
        Tensor noisy = randn(copies, d, generator: noise).to(y.device).mul_(Scalars.Of(config.NbSigma)).add_(y);
        Tensor scores = Evaluate(predictor, noisy, config.NbSigma, config.BatchRows); // eps_hat = -sigma * score: same singular gaps
        Tensor matrix = scores.to_type(float64);
        if (centred) matrix = matrix.sub(matrix.mean([0], keepdim: true));
        double[] singular = linalg.svdvals(matrix).cpu().data<double>().ToArray();
        int first = centred ? 1 : 0, normal = first + 1;
        double best = double.NegativeInfinity;
        for (int i = first; i + 1 < singular.Length; i++)
        {
            double gap = singular[i] - singular[i + 1];
            if (gap > best) { best = gap; normal = i + 1; }
        }
        return d - normal;
    }

    /// <summary>FLIPD at one point y (model coordinates), in the variance-exploding form of the same model:
    /// FLIPD = d + sigma^2 (tr J_s + ||s||^2) with s = -eps_hat / sigma at sigma = sqrt(e^B(t0) - 1), i.e.
    /// d - sigma tr J_eps_hat + ||eps_hat||^2. Equal to the VP formula d + sigma_t^2 (tr J + ||s_VP||^2) at
    /// alpha y, since s_VP(alpha y) = s_VE(y) / alpha. The trace is exact (one probe per coordinate) up to
    /// <see cref="DiffusionEstimatorConfig.ExactTraceUpTo"/>, Hutchinson's Rademacher estimate above.</summary>
    public static double Flipd(NoisePredictor predictor, Tensor y, DiffusionEstimatorConfig config)
    {
        long d = y.shape[0];
        double sigma = EquivalentSigma(config.FlipdT0);
        using var generator = new torch.Generator((ulong)config.Seed + 11);
        Tensor probes = d <= config.ExactTraceUpTo
            ? eye(d, device: y.device)
            : randint(0, 2, [config.HutchinsonProbes, d], generator: generator).to(y.device).to_type(float32).mul_(Scalars.Of(2)).sub_(Scalars.Of(1));
        long m = probes.shape[0];
        double quadraticSum = 0, squaredNorm = 0;
        for (long start = 0; start < m; start += config.BatchRows)
        {
            using var scope = NewDisposeScope();
            Tensor v = probes.slice(0, start, Math.Min(start + config.BatchRows, m), 1);
            Tensor rows = y.unsqueeze(0).expand(v.shape[0], d).clone().requires_grad_(true);
            Tensor eps = predictor(rows, sigma);
            Tensor grads = autograd.grad([eps.mul(v).sum()], [rows])[0];            // row r: J^T v_r
            quadraticSum += grads.mul(v).sum(1).div(v.square().sum(1)).sum().item<float>(); // v^T J v / ||v||^2
            if (start == 0) squaredNorm = eps[0].square().sum().item<float>();
        }
        double trace = d * quadraticSum / m;
        return d - sigma * trace + squaredNorm;
    }

    /// <summary>eps_hat of many rows at one noise level, in batches, without autograd.</summary>
    private static Tensor Evaluate(NoisePredictor predictor, Tensor rows, double sigma, int batchRows)
    {
        var parts = new List<Tensor>();
        for (long start = 0; start < rows.shape[0]; start += batchRows)
        {
            Tensor part = rows.slice(0, start, Math.Min(start + batchRows, rows.shape[0]), 1);
            parts.Add(predictor(part, sigma));
        }
        return cat(parts, 0);
    }

    /// <summary>A seeded random subset of row indices, in increasing order (all rows if there are fewer).</summary>
    public static long[] SubsetRows(long count, int points, long seed)
    {
        if (points >= count) return [.. Enumerable.Range(0, (int)count).Select(i => (long)i)];
        using var generator = new torch.Generator((ulong)seed);
        using Tensor perm = randperm(count, generator: generator);
        long[] rows = perm.slice(0, 0, points, 1).data<long>().ToArray();
        Array.Sort(rows);
        return rows;
    }
}
