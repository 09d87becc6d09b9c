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
    public void Conv_step_flops_are_the_multiply_adds_of_every_layer_from_its_weight_shape_and_output_size()
    {
        BenchConfig conv = BenchConfig.Standard(ModelKind.SaeL1).Single(c => c.Name == "conv-mnist");
        using var model = ModelFactory.Create(conv.Model);
        // Per sample, (output pixels or transposed-conv input pixels) x weight elements; the stem reads the data.
        double stem = 28 * 28 * (16 * 1 * 3 * 3);
        double encoder = 14 * 14 * (16 * 16 * 9 + 16 * 16 * 9 + 16 * 16 * 1)   // down-block 1 at 14x14
                         + 7 * 7 * (32 * 16 * 9 + 32 * 32 * 9 + 32 * 16 * 1)    // down-block 2 at 7x7
                         + 32 * 32 + 32 * 32;                                     // head: Linear 32->32, 32->kappa
        double decoder = 32 * 16 * 7 * 7                                          // dense kappa -> 16 x 7 x 7
                         + 7 * 7 * (16 * 16 * 16) + 14 * 14 * (16 * 16 * 9)       // up-block 1: ConvT 4x4 on 7x7, conv at 14x14
                         + 14 * 14 * (16 * 16 * 16) + 28 * 28 * (16 * 16 * 9)    // up-block 2
                         + 28 * 28 * (1 * 16 * 9);                                // output conv
        double expected = 2.0 * conv.BatchSize * (2 * stem + 3 * (encoder + decoder));
        Assert.Equal(expected, VAEase.Training.StepCost.Flops(model, conv.BatchSize));
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
    public void The_conv_config_is_the_mnist_image_recipe()
    {
        BenchConfig conv = BenchConfig.Standard(ModelKind.Vae).Single(c => c.Letter == "c");
        var recipe = VAEase.Training.Recipes.Images(ModelKind.Vae, "mnist", "mnist", 784);
        Assert.Equal(recipe.Model, conv.Model);
        Assert.Equal((2048, 0.05), (conv.BatchSize, conv.LearningRate));
        Assert.True(conv.SlowStep);
    }

    [Fact]
    public void Configs_are_selected_by_name_or_letter_in_the_standard_order()
    {
        Assert.Equal(["linear-union", "conv-mnist"], BenchConfig.Select("c, a"));
        Assert.Equal(["lm-activations"], BenchConfig.Select("lm-activations"));
        Assert.Equal(["linear-union", "lm-activations", "conv-mnist", "mlp-union"], BenchConfig.Select("d,a,b,c"));
        var error = Assert.Throws<VAEaseException>(() => BenchConfig.Select("a,e"));
        Assert.Contains("'e'", error.Message);
        Assert.Throws<VAEaseException>(() => BenchConfig.Select(" , "));
    }

    [Fact]
    public void A_benchmark_step_trains_the_model()
    {
        BenchConfig linear = BenchConfig.Standard(ModelKind.SaeTopK).Single(c => c.Name == "linear-union");
        using var bench = new StepBenchmark(linear with { BatchSize = 64 }, CPU, batchesOfData: 2);
        Assert.True(bench.Run(3) > 0);
    }

    [Fact]
    public void A_conv_benchmark_step_trains_on_images()
    {
        BenchConfig conv = BenchConfig.Standard(ModelKind.VAEase).Single(c => c.Name == "conv-mnist");
        using var bench = new StepBenchmark(conv with { BatchSize = 8 }, CPU, batchesOfData: 2);
        Assert.True(bench.Run(2) > 0);
        Assert.Equal(bench.DataFile is null, !bench.DataDescription.Contains("training images"));
    }
}
