using TorchSharp;
using VAEase.Data;
using VAEase.Models;
using static TorchSharp.torch;

namespace VAEase.Evaluation;

/// <summary>The deterministic codes and activities of a whole data set, row-major [n * kappa] float32 on the
/// CPU: encode once, then apply any number of per-sample rules (active sets, masking) without the model.</summary>
public sealed class EncodedSet
{
    public EncodedSet(float[] code, float[] activity, int latent, ActivityKind kind)
    {
        if (latent < 1) throw new ArgumentException($"must be >= 1, got {latent}", nameof(latent));
        if (code.Length != activity.Length) throw new ArgumentException($"{code.Length} code entries for {activity.Length} activities", nameof(code));
        if (activity.Length % latent != 0) throw new ArgumentException($"{activity.Length} entries are not rows of {latent}", nameof(activity));
        Code = code;
        Activity = activity;
        Latent = latent;
        Kind = kind;
    }

    /// <summary>What the decoder receives, [n * kappa] (see <see cref="Encoding.Code"/>).</summary>
    public float[] Code { get; }

    /// <summary>Activity per entry, [n * kappa], higher = more active (see <see cref="Encoding.Activity"/>).</summary>
    public float[] Activity { get; }

    /// <summary>Latent dimension kappa.</summary>
    public int Latent { get; }

    /// <summary>Which score <see cref="Activity"/> holds: -log sigma^2 (VAE family) or log |z| (SAEs).</summary>
    public ActivityKind Kind { get; }

    public long Count => Activity.LongLength / Latent;

    /// <summary>The activity of an exactly-off dimension, for <see cref="VarianceSplit.Active"/>: 0 (sigma = 1)
    /// for the VAE family, -inf (z = 0) for SAEs.</summary>
    public double OffLevel => Evaluator.OffLevel(Kind);

    /// <summary>One sample's activities, [kappa].</summary>
    public ReadOnlySpan<float> ActivityRow(long i) => Activity.AsSpan(checked((int)(i * Latent)), Latent);

    /// <summary>Encodes every row of <paramref name="data"/> in batches (default: <see cref="Evaluator.BatchFor"/>),
    /// in eval mode and without gradients.</summary>
    public static EncodedSet Of(SparseAutoencoder model, Dataset data, int? batchSize = null, Device? device = null)
    {
        int rows = batchSize ?? Evaluator.BatchFor(model.Config);
        if (rows < 1) throw new ArgumentException($"must be >= 1, got {rows}", nameof(batchSize));
        device ??= CPU;
        model.eval();
        using var noGrad = no_grad();
        int kappa = model.Config.Latent;
        long n = data.Count;
        if ((double)n * kappa > Array.MaxLength)
            throw new VAEaseException($"{data.Name}: the codes of {n} rows x kappa {kappa} are more than one array holds ({Array.MaxLength}); evaluate fewer rows");
        IO.MemoryBudget.Require(8.0 * n * kappa + ModelSize.EvalBytes(model.Config, Math.Min(rows, n)), $"encoding {n} rows of {data.Name} with kappa {kappa} (--batch {rows})");
        var code = new float[n * kappa];
        var activity = new float[n * kappa];
        for (long start = 0; start < n; start += rows)
        {
            using var scope = NewDisposeScope();
            long end = Math.Min(start + rows, n);
            Encoding encoding = model.Encode(data.X.slice(0, start, end, 1).to(device));
            CopyRows(encoding.Code, code, start * kappa);
            CopyRows(encoding.Activity, activity, start * kappa);
        }
        return new EncodedSet(code, activity, kappa, model.ActivityKind);
    }

    /// <summary>Sum over all rows of the per-sample sum of squared errors of decoding the stored codes, in double.</summary>
    public double SquaredError(SparseAutoencoder model, Dataset data, int? batchSize = null, Device? device = null, bool[]? keep = null)
    {
        if (keep is not null && keep.LongLength != Code.LongLength) throw new ArgumentException($"{keep.LongLength} flags for {Code.LongLength} code entries", nameof(keep));
        int rows = batchSize ?? Evaluator.BatchFor(model.Config);
        if (data.Count != Count) throw new ArgumentException($"{data.Count} rows for {Count} codes", nameof(data));
        device ??= CPU;
        model.eval();
        using var noGrad = no_grad();
        double sse = 0;
        for (long start = 0; start < Count; start += rows)
        {
            using var scope = NewDisposeScope();
            long end = Math.Min(start + rows, Count);
            Tensor code = Rows(Code, start, end, Latent);
            if (keep is not null) // the entries not kept decode as exact zeros
                code = code * tensor(keep.AsSpan(checked((int)(start * Latent)), checked((int)((end - start) * Latent))).ToArray(), [end - start, Latent]).to_type(code.dtype);
            sse += Losses.SquaredError(data.X.slice(0, start, end, 1).to(device), model.Decode(code.to(device))).to_type(ScalarType.Float64).sum().item<double>();
        }
        return sse;
    }

    /// <summary>Rows [start, end) of a row-major matrix of <paramref name="width"/> columns, as a tensor in
    /// libtorch's own (64-byte aligned) memory. A tensor wrapping a managed array starts wherever the GC put the
    /// array, and the GEMM kernels round differently at different alignments: decoding the same codes twice gave
    /// REs that differed in the 10th digit.</summary>
    internal static Tensor Rows(float[] values, long start, long end, int width)
    {
        using Tensor wrapped = tensor(values.AsSpan(checked((int)(start * width)), checked((int)((end - start) * width))).ToArray(), [end - start, width]);
        return wrapped.clone();
    }

    private static void CopyRows(Tensor rows, float[] target, long offset)
    {
        float[] values = rows.to_type(ScalarType.Float32).cpu().contiguous().data<float>().ToArray();
        Array.Copy(values, 0, target, offset, values.LongLength);
    }
}
