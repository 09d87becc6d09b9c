using TorchSharp;
using VAEase.Models;
using VAEase.Networks;
using VAEase.Training;
using static TorchSharp.torch;

namespace VAEase.Tests.Networks;

public sealed class ConvNetworkTests
{
    static ModelConfig Config(ModelKind kind) => new()
    {
        Kind = kind, InputDim = 784, Latent = 8, Encoder = EncoderKind.ResidualConv, Decoder = DecoderKind.ResidualConv, TopK = 3,
    };

    [Fact]
    public void The_conv_encoder_maps_flat_images_to_the_requested_width_and_the_decoder_back_to_pixels_in_the_unit_interval()
    {
        using var scope = NewDisposeScope();
        manual_seed(1);
        using var encoder = new ConvEncoder(784, 10);
        using var decoder = new ConvDecoder(10, 784);
        Tensor h = encoder.forward(rand(5, 784));
        Assert.Equal(new long[] { 5, 10 }, h.shape);
        Tensor x = decoder.forward(h);
        Assert.Equal(new long[] { 5, 784 }, x.shape);
        Assert.True(x.gt(0).all().item<bool>() && x.lt(1).all().item<bool>());
    }

    [Fact]
    public void Images_of_other_square_sides_divisible_by_four_work_too()
    {
        using var scope = NewDisposeScope();
        using var decoder = new ConvDecoder(4, 32 * 32);
        using var encoder = new ConvEncoder(32 * 32, 4);
        Assert.Equal(new long[] { 2, 1024 }, decoder.forward(encoder.forward(rand(2, 1024))).shape);
    }

    [Theory]
    [InlineData(100)]   // 10 x 10: side not divisible by 4
    [InlineData(785)]   // not a square
    [InlineData(16)]    // 4 x 4: too small for two stride-2 stages
    public void A_config_with_conv_networks_on_non_image_dimensions_is_refused_naming_the_dimension(int d)
    {
        var error = Assert.Throws<ArgumentException>(() => (Config(ModelKind.VAEase) with { InputDim = d }).Validate());
        Assert.Contains($"d = {d}", error.Message);
    }

    [Theory]
    [InlineData(ModelKind.VAEase)]
    [InlineData(ModelKind.Vae)]
    [InlineData(ModelKind.SaeL1)]
    [InlineData(ModelKind.SaeLog)]
    [InlineData(ModelKind.SaeTopK)]
    public void Every_model_trains_with_conv_networks_every_parameter_gets_a_gradient(ModelKind kind)
    {
        using var scope = NewDisposeScope();
        manual_seed(2);
        using var model = ModelFactory.Create(Config(kind) with { L1 = 1e-2, L2 = 1e-2 });
        model.train();
        LossTerms terms = model.forward(rand(16, 784));
        Assert.True(double.IsFinite(terms.Total.item<float>()));
        terms.Total.backward();
        foreach (var (name, p) in model.named_parameters())
        {
            if (kind == ModelKind.SaeTopK && name.StartsWith("encoder", StringComparison.Ordinal) && p.grad is null) continue;
            Assert.True(p.grad is not null, $"{kind}: no gradient for {name}");
            Assert.True(p.grad.isfinite().all().item<bool>(), $"{kind}: non-finite gradient for {name}: {p.grad.abs().max().item<float>()}");
        }
        Encoding code = model.Encode(rand(4, 784));
        Assert.Equal(new long[] { 4, 8 }, code.Code.shape);
    }

    [Fact]
    public void The_image_recipe_is_the_authors_per_dataset()
    {
        RunConfig mnistL1 = Recipes.Images(ModelKind.SaeL1, "mnist", "mnist", 784);
        RunConfig fashionLog = Recipes.Images(ModelKind.SaeLog, "fashion-mnist", "fashion-mnist", 784);
        RunConfig vaease = Recipes.Images(ModelKind.VAEase, "mnist", "mnist", 784);
        Assert.Equal((0.5, 0.1), (mnistL1.Model.L1, mnistL1.Model.L2));
        Assert.Equal((1.3e-2, 2e-2), (fashionLog.Model.L1, fashionLog.Model.L2));
        Assert.Equal((32, 2048, 0.05, 20, 300), (vaease.Model.Latent, vaease.Training.BatchSize, vaease.Training.LearningRate,
            vaease.Training.RestartPeriod, vaease.Training.Epochs));
        Assert.Equal(16, Recipes.Images(ModelKind.SaeTopK, "mnist", "mnist", 784).Model.TopK);
        Assert.Equal(-7, vaease.Model.LogGammaInit);
        Assert.Equal(EncoderKind.ResidualConv, vaease.Model.Encoder);
    }

    [Fact]
    public void A_conv_step_counts_its_convolutions_and_runs_on_every_thread()
    {
        RunConfig run = Recipes.Images(ModelKind.VAEase, "mnist", "mnist", 784);
        using var model = ModelFactory.Create(run.Model);
        using var linearOnly = ModelFactory.Create(run.Model with { Encoder = EncoderKind.Linear, Decoder = DecoderKind.Linear });
        double flops = StepCost.Flops(model, 2048);
        // ~5.1 M multiply-adds per image in the conv layers alone: ~63 GFLOP per step of 2048 with the backward pass.
        Assert.InRange(flops, 60e9, 70e9);
        Assert.True(StepCost.Flops(linearOnly, 2048) < 1e9);
        Assert.Null(StepCost.PreferredThreads(run.Model, 2048));
    }
}
