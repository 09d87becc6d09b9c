using TorchSharp;
using VAEase.Data;
using VAEase.Evaluation;
using VAEase.Models;
using VAEase.Networks;
using static TorchSharp.torch;

namespace VAEase.Tests.Evaluation;

public sealed class MaskingCurveTests
{
    static SparseAutoencoder RandomModel(ModelKind kind, long seed)
    {
        manual_seed(seed);
        return ModelFactory.Create(new ModelConfig { Kind = kind, InputDim = 6, Latent = 5, Encoder = EncoderKind.SwishMlp, Decoder = DecoderKind.Mlp });
    }

    [Fact]
    public void Ties_go_to_the_lower_index_and_zeros_stay_zero()
    {
        using var scope = NewDisposeScope();
        float ninf = float.NegativeInfinity;
        Tensor code = tensor(new float[] { 5, 6, 7, 8, 0, 2, 0, 3 }, [2, 4]);
        Tensor activity = tensor(new float[] { 1, 1, 1, 1, ninf, MathF.Log(2), ninf, MathF.Log(3) }, [2, 4]);

        float[] kept = MaskingCurve.KeepMostActive(code, activity, 3).data<float>().ToArray();

        Assert.Equal([5f, 6f, 7f, 0f, 0f, 2f, 0f, 3f], kept);
    }

    [Theory]
    [InlineData(ModelKind.SaeL1)]
    [InlineData(ModelKind.VAEase)]
    [InlineData(ModelKind.Vae)]
    public void Masking_keeps_exactly_k_nonzeros_where_the_code_had_k_and_they_are_the_most_active(ModelKind kind)
    {
        using var scope = NewDisposeScope();
        using var model = RandomModel(kind, 31);
        model.eval();
        using var noGrad = no_grad();
        Encoding e = model.Encode(2 * randn(200, 6));
        Tensor nonzeros = e.Code.ne(0).sum(1);
        if (kind == ModelKind.SaeL1) Assert.True(nonzeros.lt(5).any().item<bool>(), "the SAE test needs codes with exact zeros");

        for (int k = 1; k <= 5; k++)
        {
            Tensor masked = MaskingCurve.KeepMostActive(e.Code, e.Activity, k);
            Assert.True(masked.ne(0).sum(1).eq(nonzeros.clamp_max(k)).all().item<bool>(), $"k = {k}");
            Tensor keptMask = masked.ne(0);
            Assert.True(masked.eq(e.Code.where(keptMask, zeros_like(e.Code))).all().item<bool>(), "kept entries are unchanged");
            Tensor weakestKept = e.Activity.where(keptMask, full_like(e.Activity, double.PositiveInfinity)).amin([1]);
            Tensor strongestDropped = e.Activity.where(keptMask.logical_not().logical_and(e.Code.ne(0)), full_like(e.Activity, double.NegativeInfinity)).amax([1]);
            Assert.True(weakestKept.ge(strongestDropped).all().item<bool>(), "no dropped nonzero is more active than a kept one");
        }
    }

    [Theory]
    [InlineData(ModelKind.VAEase)]
    [InlineData(ModelKind.SaeL1)]
    public void Keeping_all_dims_gives_the_unmasked_deterministic_re(ModelKind kind)
    {
        using var scope = NewDisposeScope();
        using var model = RandomModel(kind, 41);
        using var data = new Dataset(2 * randn(37, 6), null, "random");

        MaskingResult result = MaskingCurve.Evaluate(model, data, batchSize: 8);

        Assert.Equal(Enumerable.Range(1, 5), result.Kept);
        Assert.Equal(result.FullRe, result.Re[^1]);
        Assert.Equal(Evaluator.Evaluate(model, data).Re, result.FullRe, 1e-5 * result.FullRe);
        Assert.Equal(Evaluator.Evaluate(model, data).MeanActiveDims, result.MeanActiveDims);
    }

    [Theory]
    [InlineData(ModelKind.VAEase)]
    [InlineData(ModelKind.Vae)]
    [InlineData(ModelKind.SaeL1)]
    public void The_batched_curve_equals_a_plain_per_sample_loop(ModelKind kind)
    {
        using var scope = NewDisposeScope();
        using var model = RandomModel(kind, 51);
        using var data = new Dataset(2 * randn(37, 6), null, "random");

        MaskingResult result = MaskingCurve.Evaluate(model, data, kept: [4, 1, 2, 4], batchSize: 8);

        Assert.Equal([1, 2, 4], result.Kept);
        for (int i = 0; i < result.Kept.Length; i++)
        {
            double plain = PlainRe(model, data, result.Kept[i]);
            Assert.Equal(plain, result.Re[i], 1e-5 * plain);
        }
    }

    [Fact]
    public void The_vae_code_is_masked_without_the_sigma_gate_and_vaease_with_it()
    {
        using var scope = NewDisposeScope();
        // Hand-built: mu = x, log sigma^2 = (-8, -1, 0) for every sample (activity 8 > 1 > 0), identity decoder.
        double[] sigma = [Math.Exp(-4), Math.Exp(-0.5), 1];
        float[,] x = { { 1, 2, 3 }, { -1, 0.5f, 2 } };
        using var data = new Dataset(tensor(x), null, "hand");
        foreach (ModelKind kind in new[] { ModelKind.Vae, ModelKind.VAEase })
        {
            using var model = ModelFactory.Create(new ModelConfig
            {
                Kind = kind, InputDim = 3, Latent = 3, Encoder = EncoderKind.Linear, Decoder = DecoderKind.Linear, VarianceBound = VarianceBound.Clamp,
            });
            var p = model.named_parameters().ToDictionary(q => q.name, q => q.parameter);
            using (no_grad())
            {
                p["encoder.weight"].copy_(cat([eye(3), zeros(3, 3)], 0));
                p["encoder.bias"].copy_(tensor(new float[] { 0, 0, 0, -8, -1, 0 }));
                p["decoder.weight"].copy_(eye(3));
                p["decoder.bias"].zero_();
            }

            MaskingResult result = MaskingCurve.Evaluate(model, data);

            for (int k = 1; k <= 3; k++)
            {
                // Error on a kept dim j: x_j - (1 - sigma_j) x_j = sigma_j x_j for VAEase, 0 for the VAE; dropped: x_j.
                double expected = 0;
                for (int i = 0; i < 2; i++)
                    for (int j = 0; j < 3; j++)
                        expected += Math.Pow(j < k ? (kind == ModelKind.VAEase ? sigma[j] : 0) * x[i, j] : x[i, j], 2) / 2;
                Assert.Equal(expected, result.Re[k - 1], 1e-5);
            }
            if (kind == ModelKind.Vae) Assert.Equal(0, result.FullRe, 1e-10);
        }
    }

    [Fact]
    public void Kept_dims_outside_one_to_kappa_are_refused()
    {
        using var scope = NewDisposeScope();
        using var model = RandomModel(ModelKind.VAEase, 1);
        using var data = new Dataset(randn(4, 6), null, "random");
        Assert.Throws<ArgumentException>(() => MaskingCurve.Evaluate(model, data, kept: [0]));
        Assert.Throws<ArgumentException>(() => MaskingCurve.Evaluate(model, data, kept: [6]));
    }

    /// <summary>One sample at a time: encode, rank the dims by activity (ties by index) in C#, zero all but k, decode.</summary>
    static double PlainRe(SparseAutoencoder model, Dataset data, int k)
    {
        model.eval();
        using var noGrad = no_grad();
        double total = 0;
        for (long i = 0; i < data.Count; i++)
        {
            using var scope = NewDisposeScope();
            Tensor xi = data.X.slice(0, i, i + 1, 1);
            Encoding e = model.Encode(xi);
            float[] code = e.Code.data<float>().ToArray(), activity = e.Activity.data<float>().ToArray();
            int[] order = Enumerable.Range(0, code.Length).OrderByDescending(j => activity[j]).ToArray();
            var masked = new float[code.Length];
            foreach (int j in order.Take(k)) masked[j] = code[j];
            float[] xHat = model.Decode(tensor(masked, [1, code.Length])).data<float>().ToArray();
            float[] row = xi.data<float>().ToArray();
            total += row.Zip(xHat).Sum(p => Math.Pow(p.First - p.Second, 2));
        }
        return total / data.Count;
    }
}
