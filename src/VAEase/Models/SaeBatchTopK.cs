using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace VAEase.Models;

/// <summary>SAE-BatchTopK (Bussmann, Leask and Nanda, 2024): while training, keep the k·B largest entries of
/// ReLU(encoder(x)) over the whole batch of B rows, so that a row keeps k entries on average but as many as it needs;
/// reconstruction loss only (no AuxK term). A batch-level selection would make a row's code depend on the other rows,
/// so inference keeps the entries above one global threshold theta instead (paper §3.1): the running estimate of the
/// smallest entry a training batch kept. theta is a buffer, saved in model.safetensors and in checkpoints with the
/// count of batches behind it, so loading and resuming restore it.</summary>
public sealed class SaeBatchTopK : ReluSparseAutoencoder
{
    /// <summary>Weight of each new batch in the running threshold: an exponential moving average over ~100 batches.</summary>
    public const double ThresholdRate = 0.01;

    private readonly Tensor threshold;          // [] theta, float32
    private readonly Tensor threshold_batches;  // [] int64: training batches averaged into theta

    public SaeBatchTopK(ModelConfig config) : base(config)
    {
        threshold = tensor(0f);
        threshold_batches = tensor(0L);
        register_buffer(nameof(threshold), threshold);
        register_buffer(nameof(threshold_batches), threshold_batches);
    }

    /// <summary>The inference threshold theta (0 before the first training batch: the plain ReLU code).</summary>
    public double Threshold => threshold.item<float>();

    protected override Tensor CodePenalty(Tensor pre, Tensor z) => zeros(z.shape[0], device: z.device);

    protected override (double L1, double L2) PenaltyWeights => (0, 0);

    /// <summary>Training: keeps the entries at or above the batch's (k·B)-th largest ReLU value. Every entry tied with it
    /// is kept, so the selection does not depend on the order in which a top-k kernel breaks ties (ties between positive
    /// values have probability ~0; a batch with fewer than k·B positive entries keeps them all). Inference: the entries
    /// above theta, z = ReLU(pre) · 1{pre > theta} (theta &gt;= 0).</summary>
    protected override Tensor Activate(Tensor pre)
    {
        Tensor relu = functional.relu(pre);                                                  // [B, kappa]
        if (!training) return relu * relu.gt(threshold);
        int keep = checked((int)(Config.TopK * pre.shape[0]));
        Tensor kth = relu.flatten().topk(keep, sorted: false).values.min();                  // [] the (k·B)-th largest
        return relu * relu.ge(kth);
    }

    /// <summary>Folds the batch's own threshold, the smallest positive entry it kept, into theta.</summary>
    protected override void Observe(Tensor z)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        float smallest = z.masked_fill(z.le(Scalars.Of(0)), Scalars.Of(double.PositiveInfinity)).min().item<float>();
        if (!float.IsFinite(smallest)) return; // nothing kept (an all-zero batch): nothing to learn from
        var (theta, batches) = NextThreshold(threshold.item<float>(), threshold_batches.item<long>(), smallest, ThresholdRate);
        threshold.copy_(tensor((float)theta));
        threshold_batches.copy_(tensor(batches));
    }

    /// <summary>The running threshold after one more batch whose own threshold is <paramref name="value"/>: the exponential
    /// moving average with rate a divided by the weight c_n = 1 - (1 - a)^n it has gathered after n batches (Adam's bias
    /// correction), so that it does not start from 0. In one step: theta_n = theta_{n-1} + (a / c_n) (value - theta_{n-1}),
    /// where a / c_1 = 1 (theta_1 = value) and a / c_n falls to a.</summary>
    public static (double Theta, long Batches) NextThreshold(double theta, long batches, double value, double rate)
    {
        double gain = rate / (1 - Math.Pow(1 - rate, batches + 1));
        return (theta + gain * (value - theta), batches + 1);
    }
}
