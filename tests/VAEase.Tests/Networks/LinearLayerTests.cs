using TorchSharp.Modules;
using VAEase.IO;
using VAEase.Models;
using VAEase.Networks;
using VAEase.Training;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace VAEase.Tests.Networks;

public sealed class LinearLayerTests
{
    static Parameter Named(Module module, string name) => module.named_parameters().Single(p => p.name == name).parameter;

    static double RelativeError(Tensor actual, Tensor expected) =>
        (actual - expected).abs().max().item<float>() / expected.abs().max().item<float>();

    [Fact]
    public void It_starts_from_the_weights_nn_Linear_draws_for_the_same_seed_under_the_same_names()
    {
        manual_seed(3);
        using Linear reference = Linear(17, 9);
        Tensor nextAfterReference = randn(4);
        manual_seed(3);
        using var layer = new LinearLayer(17, 9);
        Tensor nextAfterLayer = randn(4);

        Assert.Equal(new[] { "weight", "bias" }, layer.named_parameters().Select(p => p.name));
        Assert.True(TensorAssert.Same(reference.weight!, Named(layer, "weight")));
        Assert.True(TensorAssert.Same(reference.bias!, Named(layer, "bias")));
        Assert.True(TensorAssert.Same(nextAfterReference, nextAfterLayer), "nn.Linear and LinearLayer consume the generator alike");
    }

    [Fact]
    public void In_float32_its_output_and_gradients_are_exactly_nn_Linear_s()
    {
        using var scope = NewDisposeScope();
        manual_seed(5);
        using Linear reference = Linear(33, 12);
        manual_seed(5);
        using var layer = new LinearLayer(33, 12);
        Tensor x = randn(64, 33);

        Tensor ours = layer.forward(x), theirs = reference.forward(x);
        ours.square().sum().backward();
        theirs.square().sum().backward();

        Assert.True(TensorAssert.Same(theirs, ours));
        Assert.True(TensorAssert.Same(reference.weight!.grad!, Named(layer, "weight").grad!));
        Assert.True(TensorAssert.Same(reference.bias!.grad!, Named(layer, "bias").grad!));
    }

    [Fact]
    public void In_bf16_training_it_multiplies_bfloat16_roundings_and_returns_float32_gradients_to_float32_weights()
    {
        using var scope = NewDisposeScope();
        manual_seed(6);
        using var layer = new LinearLayer(256, 64) { Precision = MatmulPrecision.BFloat16 };
        layer.train();
        Parameter weight = Named(layer, "weight"), bias = Named(layer, "bias");
        Tensor x = randn(128, 256).requires_grad_(true);

        Tensor ours = layer.forward(x);
        Tensor rounded = functional.linear(x.to(ScalarType.BFloat16).to(ScalarType.Float32), weight.to(ScalarType.BFloat16).to(ScalarType.Float32), bias);
        Tensor exact = functional.linear(x, weight, bias);
        Assert.Equal(ScalarType.Float32, ours.dtype);
        // The product of the bfloat16 roundings, itself rounded to bfloat16 (2^-8 relative) before the float32 bias.
        Assert.True(RelativeError(ours, rounded) < 8e-3, $"not the product of the bfloat16 roundings: off by {RelativeError(ours, rounded)}");
        Assert.True(RelativeError(ours, exact) > 1e-4, "the product was not rounded to bfloat16 at all");
        Assert.True(RelativeError(ours, exact) < 2e-2, $"too far from the float32 product: {RelativeError(ours, exact)}");

        Tensor upstream = randn(128, 64);
        (ours * upstream).sum().backward();
        Tensor expectedWeightGrad = upstream.t().matmul(x.detach());
        Assert.Equal(ScalarType.Float32, weight.grad!.dtype);
        Assert.Equal(ScalarType.Float32, x.grad!.dtype);
        Assert.True(RelativeError(weight.grad!, expectedWeightGrad) < 2e-2, $"weight gradient off by {RelativeError(weight.grad!, expectedWeightGrad)}");
        Assert.True(TensorAssert.Same(bias.grad!, upstream.sum(dim: 0)), "the bias is added in float32, so its gradient is exact");
    }

    [Fact]
    public void In_eval_mode_it_multiplies_in_float32_whatever_its_precision()
    {
        using var scope = NewDisposeScope();
        manual_seed(8);
        using var layer = new LinearLayer(40, 20) { Precision = MatmulPrecision.BFloat16 };
        layer.eval();
        Tensor x = randn(16, 40);

        Assert.True(TensorAssert.Same(functional.linear(x, Named(layer, "weight"), Named(layer, "bias")), layer.forward(x)));
    }

    [Fact]
    public void A_model_sets_the_precision_of_every_linear_layer_of_its_networks()
    {
        using var model = ModelFactory.Create(new ModelConfig
        {
            Kind = ModelKind.VAEase, InputDim = 30, Latent = 6, Encoder = EncoderKind.ResidualMlp, Decoder = DecoderKind.ResidualMlp,
        });
        LinearLayer[] layers = model.modules().OfType<LinearLayer>().ToArray();
        Assert.Equal(2 * (2 + 3 * 3), layers.Length); // per network: in and out layers, three residual blocks of three
        Assert.DoesNotContain(model.modules(), m => m is Linear);

        model.UseMatmulPrecision(MatmulPrecision.BFloat16);
        Assert.All(layers, l => Assert.Equal(MatmulPrecision.BFloat16, l.Precision));
    }

    [Fact]
    public void A_config_written_before_the_precision_existed_reads_as_fp32()
    {
        string path = Path.Combine(Path.GetTempPath(), $"vaease-precision-{Guid.NewGuid():N}.json");
        try
        {
            File.WriteAllText(path, "{\"epochs\": 3, \"seed\": 2}");
            Assert.Equal(MatmulPrecision.Float32, Json.Read<TrainConfig>(path).MatmulPrecision);
            File.WriteAllText(path, "{\"epochs\": 3, \"matmul_precision\": \"bf16\"}");
            Assert.Equal(MatmulPrecision.BFloat16, Json.Read<TrainConfig>(path).MatmulPrecision);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_run_refuses_bf16_for_the_conv_networks()
    {
        RunConfig run = Recipes.Images(ModelKind.VAEase, "mnist", "mnist", 28 * 28);
        var bf16 = run with { Training = run.Training with { MatmulPrecision = MatmulPrecision.BFloat16 } };

        run.Validate();
        var error = Assert.Throws<ArgumentException>(() => bf16.Validate());
        Assert.Equal(nameof(TrainConfig.MatmulPrecision), error.ParamName);
    }
}
