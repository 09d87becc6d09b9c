using TorchSharp;
using VAEase.Data;
using VAEase.Models;
using static TorchSharp.torch;

namespace VAEase.Evaluation;

/// <summary>Evaluates a trained model (spec §4): reconstruction through the deterministic code and
/// active dimensions by the variance-split rule, per sample and per group. Runs without gradients,
/// in eval mode, in large batches.</summary>
public static class Evaluator
{
    /// <summary>Evaluation batch for a model: 8192 rows, or 1024 for the conv networks, whose non-oneDNN
    /// convolutions unfold each batch into [batch, 9 * channels, pixels] buffers (3.7 GB at 8192 MNIST images:
    /// evaluating with 8192 ran our 24 GB machine out of memory).</summary>
    public static int BatchFor(ModelConfig config) =>
        config.Encoder == Networks.EncoderKind.ResidualConv || config.Decoder == Networks.DecoderKind.ResidualConv ? 1024 : 8192;

    /// <summary>Evaluates <paramref name="model"/> on <paramref name="data"/>, batches of <paramref name="batchSize"/>
    /// rows (default: <see cref="BatchFor"/>).</summary>
    public static EvalReport Evaluate(SparseAutoencoder model, Dataset data, int? batchSize = null, Device? device = null) =>
        Evaluate(model, data, EncodedSet.Of(model, data, batchSize, device), batchSize, device);

    /// <summary>The same from the model's codes of <paramref name="data"/>, already encoded (shared with other measures).</summary>
    public static EvalReport Evaluate(SparseAutoencoder model, Dataset data, EncodedSet encoded, int? batchSize = null, Device? device = null)
    {
        if (encoded.Count != data.Count || encoded.Latent != model.Config.Latent)
            throw new ArgumentException($"codes [{encoded.Count}, {encoded.Latent}] do not belong to {data.Count} rows of this model", nameof(encoded));
        device ??= CPU;
        int kappa = model.Config.Latent;
        long n = data.Count;
        float[] activity = encoded.Activity;
        double sse = encoded.SquaredError(model, data, batchSize, device);
        double totalVariance = RowMoments.Of(data.X).SquaredDeviations; // block by block: a float64 copy of the data would triple its memory

        double offLevel = OffLevel(model.ActivityKind);
        bool sparse = model.ActivityKind == ActivityKind.LogMagnitude;
        var perSample = new int[n];
        var nonzero = new int[n];
        var everActive = new bool[kappa];
        var samplesOn = new long[kappa]; // per latent: samples on which it counts towards L0
        var row = new double[kappa];
        var active = new bool[kappa];
        bool[]? counted = sparse ? null : new bool[n * kappa]; // VAE family: the dims its L0 counts, per sample
        for (long i = 0; i < n; i++)
        {
            for (int j = 0; j < kappa; j++) row[j] = activity[i * kappa + j];
            perSample[i] = VarianceSplit.Active(row, offLevel, active);
            if (counted is not null) Array.Copy(active, 0, counted, i * kappa, kappa);
            nonzero[i] = row.Count(v => !double.IsNegativeInfinity(v));
            for (int j = 0; j < kappa; j++)
            {
                everActive[j] |= active[j];
                if (sparse ? !double.IsNegativeInfinity(row[j]) : active[j]) samplesOn[j]++;
            }
        }

        int[] l0 = sparse ? nonzero : perSample;
        // An SAE decodes exactly the entries its L0 counts; the VAE family's gated code is only near 0 off its active dims.
        double sseAtL0 = counted is null ? sse : encoded.SquaredError(model, data, batchSize, device, counted);
        Summary summary = Summary.Of(perSample), l0Summary = Summary.Of(l0);
        var (perGroup, pooled) = data.Labels is null ? (null, null) : PooledGroups(model.ActivityKind, activity, kappa, data.Labels, offLevel);
        double[] pooledAll = n == 0 ? [] : PooledGroups(model.ActivityKind, activity, kappa, new long[n], offLevel).Item2[0];
        var groupSummaries = data.Labels?.Zip(perSample).GroupBy(p => p.First, p => p.Second).ToDictionary(g => g.Key, g => Summary.Of(g));
        return new EvalReport
        {
            Samples = n,
            Re = sse / n,
            Fvu = totalVariance > 0 ? sse / totalVariance : double.NaN,
            FvuRule = FvuRule,
            FvuAtL0 = totalVariance > 0 ? sseAtL0 / totalVariance : double.NaN,
            MeanActiveDims = summary.Mean,
            ActiveDimsPerSample = summary,
            ActiveDimsHistogram = Histogram(perSample),
            ActiveDimsPerGroup = perGroup,
            PooledActivityPerGroup = pooled,
            PooledActivity = pooledAll,
            MeanActiveDimsPerGroup = groupSummaries is null ? null : new(groupSummaries.ToDictionary(g => g.Key, g => g.Value.Mean)),
            MedianActiveDimsPerGroup = groupSummaries is null ? null : new(groupSummaries.ToDictionary(g => g.Key, g => g.Value.Median)),
            NonzeroPerSample = model.ActivityKind == ActivityKind.LogMagnitude ? Summary.Of(nonzero) : null,
            DeadLatents = everActive.Count(a => !a),
            L0 = l0Summary.Mean,
            L0PerSample = l0Summary,
            L0Histogram = Histogram(l0),
            L0Rule = L0Rule(model.ActivityKind),
            DeadFraction = (double)samplesOn.Count(c => c == 0) / kappa,
            DenseFraction = (double)samplesOn.Count(c => c > DenseShare * n) / kappa,
            Latent = kappa,
            ActivityRule = ActivityRule(model.ActivityKind),
        };
    }

    /// <summary>The definition of FVU, in words, for result files: one ratio over the whole split, as SAELens defines it
    /// from 6.45 on (not a mean of per-sample or per-coordinate ratios).</summary>
    public const string FvuRule = "sum_i ||x_i - x_hat_i||^2 / sum_i ||x_i - x_bar||^2 over the evaluated rows, x_bar their mean";

    /// <summary>A latent active (by the L0 rule) on more than this share of the evaluated samples is dense.</summary>
    public const double DenseShare = 0.1;

    /// <summary>What L0 counts per sample, in words, for result files.</summary>
    public static string L0Rule(ActivityKind kind) => kind == ActivityKind.NegLogVariance
        ? "active dims (variance split of log sigma^2; the code is never exactly 0)"
        : "nonzero code entries";

    /// <summary>How many samples have each count: [n] -> {count: samples}.</summary>
    private static SortedDictionary<int, long> Histogram(int[] counts)
    {
        var histogram = new SortedDictionary<int, long>();
        foreach (int c in counts) histogram[c] = histogram.GetValueOrDefault(c) + 1;
        return histogram;
    }

    /// <summary>The activity score of a dimension that is exactly off: 0 for the prior's sigma = 1 (VAE family),
    /// -inf for an SAE's z = 0 (see <see cref="VarianceSplit.Active"/>).</summary>
    public static double OffLevel(ActivityKind kind) => kind == ActivityKind.NegLogVariance ? 0 : double.NegativeInfinity;

    /// <summary>How the per-sample active dims are counted, in words, for result files.</summary>
    public static string ActivityRule(ActivityKind kind) => kind == ActivityKind.NegLogVariance
        ? "variance split of log sigma^2; active = lower group"
        : "variance split of log|z| over nonzero entries; active = upper group; z = 0 inactive";

    /// <summary>Per group: pool the activity per latent dim over the group's samples (mean of -log sigma^2,
    /// or log of the mean |z|), then apply the rule to that kappa-vector (spec §4).</summary>
    private static (SortedDictionary<long, int>, SortedDictionary<long, double[]>) PooledGroups(
        ActivityKind kind, float[] activity, int kappa, long[] labels, double offLevel)
    {
        var sums = new Dictionary<long, double[]>();
        var counts = new Dictionary<long, long>();
        for (long i = 0; i < labels.Length; i++)
        {
            long g = labels[i];
            if (!sums.TryGetValue(g, out double[]? sum)) sums[g] = sum = new double[kappa];
            counts[g] = counts.GetValueOrDefault(g) + 1;
            for (int j = 0; j < kappa; j++)
            {
                double a = activity[i * kappa + j];
                sum[j] += kind == ActivityKind.NegLogVariance ? a : Math.Exp(a);
            }
        }
        var active = new SortedDictionary<long, int>();
        var pooledActivity = new SortedDictionary<long, double[]>();
        foreach (var (g, sum) in sums)
        {
            double[] pooled = sum.Select(s => kind == ActivityKind.NegLogVariance ? s / counts[g] : Math.Log(s / counts[g])).ToArray();
            active[g] = VarianceSplit.ActiveCount(pooled, offLevel);
            pooledActivity[g] = pooled;
        }
        return (active, pooledActivity);
    }
}
