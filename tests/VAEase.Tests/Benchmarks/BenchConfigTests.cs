using VAEase.Benchmarks;
using VAEase.Models;
using static TorchSharp.torch;

namespace VAEase.Tests.Benchmarks;

public sealed class BenchConfigTests
{
    [Fact]
    public void Step_flops_count_forward_and_both_gradients_but_no_input_gradient_for_the_data_layer()
    {
        BenchConfig lm = BenchConfig.Standard(ModelKind.VAEase).Single(c => c.Name == "lm-activations");
        using var bench = new StepBenchmark(lm, CPU, batchesOfData: 1);
        // encoder 512 -> 600 (data layer: 2 of 3 matmuls), logvar head 300 -> 300, decoder 300 -> 512.
        double expected = 2.0 * 2048 * (512 * 600 * 2 + 300 * 300 * 3 + 300 * 512 * 3);
        Assert.Equal(expected, bench.Flops);
    }

    [Fact]
    public void Small_steps_prefer_one_thread_and_large_ones_the_default()
    {
        BenchConfig linear = BenchConfig.Standard(ModelKind.VAEase).Single(c => c.Name == "linear-union");
        BenchConfig lm = BenchConfig.Standard(ModelKind.VAEase).Single(c => c.Name == "lm-activations");
        Assert.Equal(1, VAEase.Training.StepCost.PreferredThreads(linear.Model, linear.BatchSize));
        Assert.Null(VAEase.Training.StepCost.PreferredThreads(lm.Model, lm.BatchSize));
    }

    [Fact]
    public void A_benchmark_step_trains_the_model()
    {
        BenchConfig linear = BenchConfig.Standard(ModelKind.SaeTopK).Single(c => c.Name == "linear-union");
        using var bench = new StepBenchmark(linear with { BatchSize = 64 }, CPU, batchesOfData: 2);
        Assert.True(bench.Run(3) > 0);
    }
}
