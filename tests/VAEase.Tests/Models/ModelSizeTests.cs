using VAEase.Models;
using VAEase.Networks;

namespace VAEase.Tests.Models;

/// <summary>ModelSize counts a model's Linear layers from its config alone; what it leaves out (convolutions, batch norm,
/// PReLU, log gamma) makes it a lower bound, and for the dense networks it is within a few percent of the truth.</summary>
public sealed class ModelSizeTests
{
    [Theory]
    [InlineData(ModelKind.VAEase, EncoderKind.SwishMlp, DecoderKind.Linear, 40)]
    [InlineData(ModelKind.Vae, EncoderKind.ResidualMlp, DecoderKind.ResidualMlp, 40)]
    [InlineData(ModelKind.VAEase, EncoderKind.OneLayer, DecoderKind.Linear, 40)]
    [InlineData(ModelKind.SaeL1, EncoderKind.Linear, DecoderKind.Mlp, 40)]
    [InlineData(ModelKind.SaeTopK, EncoderKind.OneLayer, DecoderKind.Linear, 40)]
    [InlineData(ModelKind.VAEase, EncoderKind.ResidualConv, DecoderKind.ResidualConv, 64)]
    public void The_parameter_count_from_the_config_is_at_most_the_model_s_and_close_to_it_for_dense_networks(ModelKind kind, EncoderKind encoder, DecoderKind decoder, int d)
    {
        var config = new ModelConfig { Kind = kind, InputDim = d, Latent = 12, Encoder = encoder, Decoder = decoder, TopK = 3 };
        using SparseAutoencoder model = ModelFactory.Create(config);
        double actual = model.parameters().Sum(p => (double)p.numel());

        double estimate = ModelSize.Parameters(config);

        Assert.InRange(estimate, encoder == EncoderKind.ResidualConv ? 1 : 0.97 * actual, actual); // the convolutions are left out
    }

    [Fact]
    public void A_latent_or_input_dimension_past_the_bound_is_refused_by_the_config_naming_the_field()
    {
        var e = Assert.Throws<ArgumentException>(() => new ModelConfig { InputDim = 8, Latent = ModelSize.MaxDimension + 1 }.Validate());
        Assert.Equal("Latent", e.ParamName);
        Assert.Equal("InputDim", Assert.Throws<ArgumentException>(() => new ModelConfig { InputDim = int.MaxValue }.Validate()).ParamName);
    }

    [Fact]
    public void The_training_need_of_a_model_of_50_million_latents_is_petabytes_and_is_refused()
    {
        var config = new ModelConfig { InputDim = 8, Latent = 50_000_000 };
        Assert.True(ModelSize.TrainingBytes(config, 1024) > 1e17);
        var e = Assert.Throws<VAEaseException>(() => ModelSize.RequireTraining(config, 1024));
        Assert.StartsWith("training vaease (--latent 50000000, d = 8, --encoder swish-mlp, --batch 1024) needs about", e.Message);
        ModelSize.RequireTraining(config with { Latent = 20 }, 1024);
    }
}
