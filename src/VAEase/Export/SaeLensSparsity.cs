using VAEase.Data;
using VAEase.Evaluation;
using VAEase.Models;
using static TorchSharp.torch;

namespace VAEase.Export;

/// <summary>SAELens's sparsity.safetensors: one tensor "sparsity" [d_sae] holding log10(f_j + 1e-10), f_j the fraction of
/// rows on which latent j fires (its code is &gt; 0), as SAELens's trainer saves it (`_log_feature_sparsity`). Measured
/// here on the rows given to the export, in eval mode without gradients, a batch at a time.</summary>
public static class SaeLensSparsity
{
    public const string File = "sparsity.safetensors";
    public const string TensorName = "sparsity";

    /// <summary>Added before the log, as SAELens does, so a latent that never fires gets -10, not -infinity.</summary>
    public const double Epsilon = 1e-10;

    /// <summary>log10 feature density over the rows of <paramref name="data"/>, [d_sae] float32.</summary>
    public static Tensor LogDensity(SparseAutoencoder model, Dataset data) =>
        LogDensity(model, data.Count, data.Dim, data.Name, (start, rows) => data.X.narrow(0, start, rows));

    /// <summary>The same over a matrix left on disk, read a batch at a time.</summary>
    public static Tensor LogDensity(SparseAutoencoder model, MappedMatrix matrix)
    {
        long batch = Math.Min(Evaluator.BatchFor(model.Config), matrix.Rows);
        using Tensor buffer = empty(batch, matrix.Dim, dtype: ScalarType.Float32);
        return LogDensity(model, matrix.Rows, matrix.Dim, matrix.Name, (start, rows) =>
        {
            matrix.Read(start, rows, buffer, 0);
            return buffer.narrow(0, 0, rows);
        });
    }

    /// <summary>Counts, batch by batch, the rows on which each latent fires; <paramref name="read"/> gives rows [start, start + count) as float32 [count, d].</summary>
    private static Tensor LogDensity(SparseAutoencoder model, long count, int dim, string name, Func<long, int, Tensor> read)
    {
        if (dim != model.Config.InputDim) throw new VAEaseException($"the model expects d = {model.Config.InputDim} but {name} has d = {dim}");
        if (count == 0) throw new VAEaseException($"{name}: no rows to measure the feature density on");
        int batch = Evaluator.BatchFor(model.Config);
        bool wasTraining = model.training;
        model.eval();
        try
        {
            using var noGrad = no_grad();
            using Tensor fires = zeros(model.Config.Latent, dtype: ScalarType.Int64);          // [d_sae] rows on which each latent fires
            for (long start = 0; start < count; start += batch)
            {
                using var scope = NewDisposeScope();
                int rows = (int)Math.Min(batch, count - start);
                Tensor code = model.Encode(read(start, rows)).Code;                             // [rows, d_sae]
                fires.add_(code.gt(0).sum(dim: 0, type: ScalarType.Int64));                   // dim by name: a bare 0 converts to ScalarType (Byte)
            }
            using Tensor density = fires.to_type(ScalarType.Float64) / count;
            using Tensor shifted = density + Epsilon;
            using Tensor log = shifted.log10();
            return log.to_type(ScalarType.Float32);
        }
        finally
        {
            model.train(wasTraining);
        }
    }
}
