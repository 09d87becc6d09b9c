using TorchSharp;
using VAEase.Data;
using VAEase.Models;
using static TorchSharp.torch;

namespace VAEase.Evaluation;

/// <summary>Figure 4 (spec §4): per sample keep the k most active latent dimensions of the deterministic code,
/// zero the rest, decode, and report RE(k). The code is used as the model gives it: VAEase's is already
/// (1 - sigma) ⊙ mu, the VAE's is mu, ungated (the authors' gating of the VAE is a quirk we do not copy).</summary>
public static class MaskingCurve
{
    /// <summary>RE(k) for each k in <paramref name="kept"/> (default 1..kappa). Encodes once; then per batch
    /// ranks the dimensions once and decodes |kept| masked codes: |kept| decoder passes per sample in all.</summary>
    public static MaskingResult Evaluate(SparseAutoencoder model, Dataset data, IReadOnlyList<int>? kept = null, int? batchSize = null, Device? device = null) =>
        Evaluate(model, data, EncodedSet.Of(model, data, batchSize, device), kept, batchSize, device);

    /// <summary>The same from the model's codes of <paramref name="data"/>, already encoded (shared with other measures).</summary>
    public static MaskingResult Evaluate(SparseAutoencoder model, Dataset data, EncodedSet encoded, IReadOnlyList<int>? kept = null, int? batchSize = null, Device? device = null)
    {
        int rows = batchSize ?? Evaluator.BatchFor(model.Config);
        int kappa = model.Config.Latent;
        int[] ks = (kept ?? Enumerable.Range(1, kappa).ToArray()).Distinct().Order().ToArray();
        if (ks.Length == 0 || ks[0] < 1 || ks[^1] > kappa)
            throw new ArgumentException($"kept dims must lie in [1, kappa = {kappa}]", nameof(kept));
        if (data.Count == 0) throw new VAEaseException($"{data.Name}: no samples to evaluate");
        if (encoded.Count != data.Count || encoded.Latent != kappa)
            throw new ArgumentException($"codes [{encoded.Count}, {encoded.Latent}] do not belong to {data.Count} rows of this model", nameof(encoded));
        device ??= CPU;
        long n = data.Count;

        var sse = new double[ks.Length];
        double fullSse = 0;
        using (var noGrad = no_grad())
        {
            for (long start = 0; start < n; start += rows)
            {
                using var scope = NewDisposeScope();
                long end = Math.Min(start + rows, n);
                Tensor x = data.X.slice(0, start, end, 1).to(device);
                Tensor code = EncodedSet.Rows(encoded.Code, start, end, kappa).to(device);
                Tensor ranks = Ranks(EncodedSet.Rows(encoded.Activity, start, end, kappa).to(device));
                fullSse += SumOfErrors(x, model.Decode(code));
                for (int i = 0; i < ks.Length; i++)
                {
                    using var decodeScope = NewDisposeScope(); // one decode's activations at a time, not kappa of them
                    sse[i] += SumOfErrors(x, model.Decode(Keep(code, ranks, ks[i])));
                }
            }
        }

        return new MaskingResult
        {
            Model = model.Config.Kind,
            Samples = n,
            Latent = kappa,
            Kept = ks,
            Re = sse.Select(s => s / n).ToArray(),
            FullRe = fullSse / n,
            MeanActiveDims = ActiveSets.From(encoded, ActiveRule.VarianceSplit).Sizes().Average(),
            Ranking = model.ActivityKind == ActivityKind.NegLogVariance
                ? "smallest log sigma^2 first; ties by index"
                : "largest |z| first; ties (z = 0) by index",
        };
    }

    /// <summary>The code [n, kappa] with all but each row's k most active entries set to 0. Ties in activity
    /// (an SAE's zeros at -inf) go to the lower index, so a row with at least k nonzeros keeps exactly k.</summary>
    public static Tensor KeepMostActive(Tensor code, Tensor activity, int k)
    {
        using var scope = NewDisposeScope();
        return Keep(code, Ranks(activity), k).MoveToOuterDisposeScope();
    }

    /// <summary>Each entry's rank in its row by activity [n, kappa]: 0 = most active; a stable sort makes
    /// equal activities rank by index.</summary>
    private static Tensor Ranks(Tensor activity)
    {
        Tensor order = activity.sort(1, descending: true, stable: true).Indices; // [n, kappa] dims, most active first
        return order.argsort(1);                                               // inverse permutation: dim -> rank
    }

    private static Tensor Keep(Tensor code, Tensor ranks, int k) => code.masked_fill(ranks.ge(k), Scalars.Of(0));

    /// <summary>Sum over the batch of the per-sample sum of squared errors, accumulated in double.</summary>
    private static double SumOfErrors(Tensor x, Tensor xHat) =>
        Losses.SquaredError(x, xHat).to_type(ScalarType.Float64).sum().item<double>();
}
