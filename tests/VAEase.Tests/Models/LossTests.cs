using VAEase.Models;
using static TorchSharp.torch;

namespace VAEase.Tests.Models;

public sealed class LossTests
{
    static Tensor T(float[] values, params long[] shape) => tensor(values, shape);

    [Theory]
    [InlineData(0.0, 10.811089)]      // gamma = 1: 5 + 0 + 2 log 2pi + (2 + e^-2 + 2 - 2)
    [InlineData(0.6931472, 9.697383)] // gamma = 2: 5/2 + 2 log 2 + 2 log 2pi + the same KL
    public void Negative_elbo_matches_a_hand_computed_value(double logGamma, double expected)
    {
        using var scope = NewDisposeScope();
        var x = T([1, 2], 1, 2);
        var xHat = T([0, 0], 1, 2);
        var mu = T([1, 0], 1, 2);
        var logVar = T([0, -2], 1, 2);
        LossTerms terms = Losses.NegativeElbo(x, xHat, mu, logVar, tensor((float)logGamma));
        Assert.Equal(expected, terms.Total.item<float>(), 4);
        Assert.Equal(5.0, terms.SquaredError.item<float>(), 5);
    }

    [Fact]
    public void Negative_elbo_averages_over_the_batch_and_sums_over_input_dims()
    {
        using var scope = NewDisposeScope();
        var x = T([1, 2, 0, 0], 2, 2);
        var xHat = T([0, 0, 0, 0], 2, 2);
        var zeros2 = T([0, 0, 0, 0], 2, 2);
        LossTerms terms = Losses.NegativeElbo(x, xHat, zeros2, zeros2, tensor(0f));
        // per sample: SSE 5 and 0, KL term 0 -> mean SSE 2.5, plus d log 2pi
        Assert.Equal(2.5 + 2 * Math.Log(2 * Math.PI), terms.Total.item<float>(), 4);
    }

    [Fact]
    public void The_d_log_gamma_term_scales_with_the_input_dimension()
    {
        using var scope = NewDisposeScope();
        double Penalty(int d)
        {
            var x = zeros(1, d);
            var code = zeros(1, 3);
            return Losses.NegativeElbo(x, x, code, code, tensor(-1f)).Total.item<float>();
        }
        // with no error and a zero KL, the loss is d (log gamma + log 2pi)
        Assert.Equal(4 * (-1 + Math.Log(2 * Math.PI)), Penalty(4), 4);
        Assert.Equal(7 * (-1 + Math.Log(2 * Math.PI)), Penalty(7), 4);
    }

    [Fact]
    public void Sae_loss_penalises_decoder_weights_and_bias()
    {
        using var scope = NewDisposeScope();
        var x = T([1, 1], 1, 2);
        var xHat = T([1, 0], 1, 2);
        var z = T([2, -3], 1, 2);
        var weight = T([1, 2], 1, 2);
        var bias = T([3], 1);
        LossTerms l1 = Losses.SparseAutoencoder(x, xHat, Losses.L1Penalty(z), 0.5, [weight, bias], 0.1);
        // SSE 1 + 0.5 * (2 + 3) + 0.1 * (1 + 4 + 9)
        Assert.Equal(1 + 2.5 + 1.4, l1.Total.item<float>(), 5);
        LossTerms log = Losses.SparseAutoencoder(x, xHat, Losses.LogPenalty(z, 1e-4), 0.5, [weight], 0);
        Assert.Equal(1 + 0.5 * (Math.Log(2 + 1e-4) + Math.Log(3 + 1e-4)), log.Total.item<float>(), 5);
    }
}
