using static TorchSharp.torch;

namespace VAEase.Data;

/// <summary>The training rows as the trainer sees them: one epoch at a time, in batches, in an order that is a
/// pure function of (seed, epoch), so a resumed run can start in the middle of an epoch and see the same batches.</summary>
public interface IBatchSource
{
    /// <summary>Training rows per epoch.</summary>
    long Count { get; }

    /// <summary>Row length d.</summary>
    int Dim { get; }

    /// <summary>The batches [&lt;= batchSize, d] float32 (CPU) of the epoch from batch <paramref name="startBatch"/> on; the last
    /// partial batch is kept unless it has one row (see <c>Trainer.BatchesPerEpoch</c>). The caller owns and disposes each batch.</summary>
    IEnumerable<Tensor> Epoch(long seed, int epoch, int batchSize, int startBatch);
}
