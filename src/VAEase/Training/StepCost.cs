using TorchSharp.Modules;
using VAEase.Models;
using VAEase.Networks;

namespace VAEase.Training;

/// <summary>The matmul and convolution work of one training step, and the thread count it calls for.</summary>
public static class StepCost
{
    /// <summary>Matmul FLOPs of one training step (forward + backward) of every Linear layer and convolution:
    /// 2 B MACs forward, as much again for the weight gradient, and for the input gradient of every layer but
    /// the encoder's first (whose input, the data, needs none). Convolutions are counted by their network
    /// (<see cref="IConvCost"/>); bench/reference.py counts the same from the layers PyTorch runs.</summary>
    public static double Flops(SparseAutoencoder model, int batchSize)
    {
        double flops = 0;
        bool dataLayerSeen = false;
        foreach (var (name, module) in model.named_modules())
        {
            if (module is not (IConvCost or Linear or LinearLayer)) continue;
            bool dataLayer = !dataLayerSeen && name.StartsWith("encoder", StringComparison.Ordinal);
            dataLayerSeen |= dataLayer;
            if (module is IConvCost conv)
                flops += 2.0 * batchSize * (3 * conv.ConvMultiplyAdds - (dataLayer ? conv.InputConvMultiplyAdds : 0));
            else
            {
                long[] shape = module is LinearLayer layer ? layer.Weight.shape : ((Linear)module).weight!.shape; // [out, in]
                flops += 2.0 * batchSize * shape[0] * shape[1] * (dataLayer ? 2 : 3);
            }
        }
        return flops;
    }

    /// <summary>Below this much matmul work per step, one thread beats two: the step is dominated by
    /// small kernels whose parallel overhead exceeds their work (measured with `vaease bench --threads 1`:
    /// the linear-union step at 0.04 GFLOP runs 1.2-2.7x faster on one thread; the 5.5 GFLOP
    /// LM-activation step runs 1.8x faster on two).</summary>
    public const double SingleThreadBelowFlops = 0.5e9;

    /// <summary>The thread count for a model's training: 1 for small steps, else libtorch's default.</summary>
    public static int? PreferredThreads(ModelConfig config, int batchSize)
    {
        using var model = ModelFactory.Create(config);
        return Flops(model, batchSize) < SingleThreadBelowFlops ? 1 : null;
    }
}
