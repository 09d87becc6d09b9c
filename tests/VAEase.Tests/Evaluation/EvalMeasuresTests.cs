using VAEase.Data;
using VAEase.Evaluation;
using VAEase.Models;
using VAEase.Tests.Models;
using static TorchSharp.torch;

namespace VAEase.Tests.Evaluation;

public sealed class EvalMeasuresTests
{
    /// <summary>20 rows in R^3: the first four as written, then 16 copies of (1, 0, 0).</summary>
    static readonly float[][] Rows = [[1f, 2f, -1f], [2f, 0f, 0f], [-1f, 3f, -2f], [0.5f, 0f, 0f], .. Enumerable.Repeat(new[] { 1f, 0f, 0f }, 16)];

    /// <summary>The report of <paramref name="model"/> (disposed here) on <see cref="Rows"/>.</summary>
    static EvalReport Evaluate(SparseAutoencoder model)
    {
        using var scope = NewDisposeScope();
        using (model)
        using (var data = new Dataset(tensor(Rows.SelectMany(r => r).ToArray(), [Rows.Length, 3]), null, "hand"))
            return Evaluator.Evaluate(model, data);
    }

    [Fact]
    public void An_sae_report_gives_l0_its_histogram_and_the_dead_and_dense_latent_fractions()
    {
        EvalReport report = Evaluate(IdentitySae.Create(ModelKind.SaeL1, latent: 3)); // z = relu(x)

        Assert.Equal(21 / 20.0, report.L0, 12);                              // 2 nonzeros in row 0, 1 elsewhere
        Assert.Equal(new SortedDictionary<int, long> { [1] = 19, [2] = 1 }, report.L0Histogram);
        Assert.Equal((1.0, 2.0), (report.L0PerSample.Min, report.L0PerSample.Max));
        Assert.Equal("nonzero code entries", report.L0Rule);
        // Latent 0 is on in 19 rows (dense), latent 1 in 2 of 20 (10%: not more than 10%, so not dense), latent 2 never (dead).
        Assert.Equal(1 / 3.0, report.DeadFraction, 12);
        Assert.Equal(1 / 3.0, report.DenseFraction, 12);
    }

    [Fact]
    public void Fvu_is_the_total_squared_error_over_the_total_squared_deviation_from_the_rows_mean()
    {
        EvalReport report = Evaluate(IdentitySae.Create(ModelKind.SaeL1, latent: 3));

        // A plain computation: x_hat = relu(x) (identity encoder and decoder), so the error is min(x, 0); x_bar the mean row.
        double sse = Rows.Sum(r => r.Sum(v => Math.Min(v, 0.0) * Math.Min(v, 0.0)));
        double[] mean = Enumerable.Range(0, 3).Select(j => Rows.Average(r => (double)r[j])).ToArray();
        double deviations = Rows.Sum(r => Enumerable.Range(0, 3).Sum(j => (r[j] - mean[j]) * (r[j] - mean[j])));
        Assert.Equal(6.0, sse, 12);
        Assert.Equal(sse / deviations, report.Fvu, 10);
        Assert.Equal(sse / Rows.Length, report.Re, 10);
        Assert.Contains("x_bar their mean", report.FvuRule);
    }

    [Fact]
    public void An_sae_decodes_exactly_what_its_l0_counts_so_its_fvu_at_l0_is_its_fvu()
    {
        EvalReport report = Evaluate(IdentitySae.Create(ModelKind.SaeL1, latent: 3));

        Assert.Equal(report.Fvu, report.FvuAtL0);
    }

    [Fact]
    public void The_vae_familys_fvu_at_l0_decodes_each_code_kept_to_its_active_dims()
    {
        using var scope = NewDisposeScope();
        using var model = ModelFactory.Create(new ModelConfig { Kind = ModelKind.VAEase, InputDim = 3, Latent = 5 }, seed: 11);
        Tensor x = tensor(Rows.SelectMany(r => r).ToArray(), [Rows.Length, 3]);
        using var data = new Dataset(x.clone(), null, "hand");
        EvalReport report = Evaluator.Evaluate(model, data);

        // The same by hand: encode, zero every entry outside the sample's active set, decode.
        model.eval();
        using var noGrad = no_grad();
        Encoding encoding = model.Encode(x);
        float[] activity = encoding.Activity.contiguous().data<float>().ToArray();
        var keep = new float[activity.Length];
        var row = new double[5];
        var active = new bool[5];
        for (int i = 0; i < Rows.Length; i++)
        {
            for (int j = 0; j < 5; j++) row[j] = activity[i * 5 + j];
            VarianceSplit.Active(row, Evaluator.OffLevel(model.ActivityKind), active);
            for (int j = 0; j < 5; j++) keep[i * 5 + j] = active[j] ? 1 : 0;
        }
        double deviations = (x - x.mean([0L], keepdim: true)).square().sum().to_type(ScalarType.Float64).item<double>();
        double full = (x - model.Decode(encoding.Code)).square().sum().to_type(ScalarType.Float64).item<double>();
        double kept = (x - model.Decode(encoding.Code * tensor(keep, [Rows.Length, 5]))).square().sum().to_type(ScalarType.Float64).item<double>();
        Assert.Equal(full / deviations, report.Fvu, 5);
        Assert.Equal(kept / deviations, report.FvuAtL0, 5);
        Assert.NotEqual(report.Fvu, report.FvuAtL0); // the untrained code is far from 0 off its active dims
    }

    [Fact]
    public void For_the_vae_family_l0_is_the_active_dims_count()
    {
        EvalReport report = Evaluate(ModelFactory.Create(new ModelConfig { Kind = ModelKind.VAEase, InputDim = 3, Latent = 5 }, seed: 11));

        Assert.Equal(report.MeanActiveDims, report.L0, 12);
        Assert.Equal(report.ActiveDimsHistogram, report.L0Histogram);
        Assert.Equal(report.DeadLatents / 5.0, report.DeadFraction, 12);
        Assert.StartsWith("active dims", report.L0Rule);
    }
}
