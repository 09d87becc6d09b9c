using TorchSharp;
using VAEase.Models;
using VAEase.Networks;
using static TorchSharp.torch;

namespace VAEase.Tests.Models;

public sealed class ModelTests
{
    static ModelConfig Config(ModelKind kind) => new()
    {
        Kind = kind, InputDim = 6, Latent = 4, Encoder = EncoderKind.SwishMlp, Decoder = DecoderKind.Linear, TopK = 2, L1 = 0, L2 = 1,
    };

    [Fact]
    public void Vaease_code_is_the_vae_code_gated_by_one_minus_sigma()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        using var vae = ModelFactory.Create(Config(ModelKind.Vae));
        using var vaease = ModelFactory.Create(Config(ModelKind.VAEase));
        vaease.load_state_dict(vae.state_dict());
        vae.eval(); vaease.eval();
        var x = randn(5, 6);
        Encoding plain = vae.Encode(x), gated = vaease.Encode(x);
        Assert.True(plain.Activity.allclose(gated.Activity));
        Tensor sigma = (-0.5 * plain.Activity).exp();
        Assert.True(((1 - sigma) * plain.Code).allclose(gated.Code, 1e-5, 1e-6));
        Assert.False(plain.Code.allclose(gated.Code));
    }

    [Fact]
    public void Encoder_variances_never_exceed_one()
    {
        using var scope = NewDisposeScope();
        foreach (EncoderKind encoder in new[] { EncoderKind.SwishMlp, EncoderKind.OneLayer, EncoderKind.ResidualMlp, EncoderKind.Linear })
        {
            using var model = ModelFactory.Create(Config(ModelKind.VAEase) with { Encoder = encoder });
            model.eval();
            Tensor logVar = -model.Encode(10 * randn(64, 6)).Activity;
            Assert.True(logVar.max().item<float>() <= 0, $"{encoder}: log sigma^2 > 0");
        }
    }

    [Fact]
    public void Sae_weight_penalty_covers_decoder_weight_and_bias_but_not_the_encoder()
    {
        using var scope = NewDisposeScope();
        manual_seed(4);
        using var sae = ModelFactory.Create(Config(ModelKind.SaeL1)); // l1 = 0, l2 = 1
        var x = randn(3, 6);
        LossTerms terms = sae.forward(x);
        var named = sae.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        double expected = named["decoder.weight"].square().sum().item<float>() + named["decoder.bias"].square().sum().item<float>();
        Assert.Equal(expected, terms.Penalty.item<float>(), 4);
    }

    [Fact]
    public void Topk_codes_have_at_most_k_nonzeros_and_keep_the_largest()
    {
        using var scope = NewDisposeScope();
        manual_seed(5);
        using var sae = ModelFactory.Create(Config(ModelKind.SaeTopK));
        Encoding e = sae.Encode(randn(50, 6));
        Tensor nonzero = e.Code.ne(0).sum(1);
        Assert.True(nonzero.le(2).all().item<bool>());
        Assert.True(e.Code.ge(0).all().item<bool>());
    }

    [Fact]
    public void Sae_activity_is_minus_infinity_exactly_where_the_code_is_zero()
    {
        using var scope = NewDisposeScope();
        manual_seed(6);
        using var sae = ModelFactory.Create(Config(ModelKind.SaeL1));
        Encoding e = sae.Encode(randn(50, 6));
        Assert.True(e.Code.eq(0).eq(e.Activity.isneginf()).all().item<bool>());
    }

    [Fact]
    public void Training_loss_of_the_vae_family_uses_the_seeded_noise_generator()
    {
        using var scope = NewDisposeScope();
        manual_seed(7);
        using var model = ModelFactory.Create(Config(ModelKind.VAEase));
        var x = randn(8, 6);
        float Loss(ulong seed)
        {
            using var g = new Generator(seed);
            model.Noise = g;
            return model.forward(x).Total.item<float>();
        }
        Assert.Equal(Loss(1), Loss(1));
        Assert.NotEqual(Loss(1), Loss(2));
    }
}
