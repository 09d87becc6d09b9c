using TorchSharp;
using VAEase.Intrinsic;
using static TorchSharp.torch;

namespace VAEase.Tests.Intrinsic;

/// <summary>NB and FLIPD on data whose score is known in closed form: x ~ N(0, P) with P the projector on a
/// k-dim subspace of R^d. Perturbed by sigma: y ~ N(0, P + sigma^2 I), score -(P + sigma^2 I)^-1 y, so
/// eps_hat(y) = sigma (P + sigma^2 I)^-1 y. Both estimators must then return k (FLIPD up to its known
/// O(sigma^2) bias), which checks the SVD gap rule, the VP-to-VE conversion and the Jacobian trace.</summary>
public sealed class DiffusionEstimatorTests
{
    /// <summary>A random k-dim subspace of R^d: its projector and a point on it.</summary>
    static (Tensor Projector, Tensor Point) Subspace(int d, int k, ulong seed)
    {
        using var generator = new torch.Generator(seed);
        var (q, _) = linalg.qr(randn(d, k, generator: generator, dtype: float64));
        Tensor projector = q.matmul(q.T);
        Tensor point = q.matmul(randn(k, generator: generator, dtype: float64));
        return (projector, point);
    }

    static NoisePredictor Exact(Tensor projector) => (rows, sigma) =>
    {
        long d = projector.shape[0];
        Tensor covariance = projector.add(eye(d, dtype: float64).mul(sigma * sigma));
        return rows.to_type(float64).matmul(linalg.inv(covariance)).mul(sigma).to_type(rows.dtype);
    };

    [Theory]
    [InlineData(20, 3, false)]
    [InlineData(30, 11, false)]
    [InlineData(20, 3, true)]
    [InlineData(30, 11, true)]
    public void Nb_finds_the_subspace_dimension_from_the_exact_score(int d, int k, bool centred)
    {
        using var scope = NewDisposeScope();
        var (projector, point) = Subspace(d, k, 5);
        using var noise = new torch.Generator(9);

        double estimate = DiffusionEstimators.NormalBundle(Exact(projector), point.to_type(float32), new DiffusionEstimatorConfig(), noise, centred);

        Assert.Equal(k, estimate);
    }

    [Theory]
    [InlineData(20, 3)]
    [InlineData(30, 11)]
    public void Flipd_equals_its_closed_form_and_is_near_k_from_the_exact_score(int d, int k)
    {
        using var scope = NewDisposeScope();
        var (projector, point) = Subspace(d, k, 6);
        var config = new DiffusionEstimatorConfig();
        double s2 = Math.Pow(DiffusionEstimators.EquivalentSigma(config.FlipdT0), 2);
        // d + s2 (tr J + |score|^2) with tr J = -(k / (1 + s2) + (d - k) / s2) and |score|^2 = |x|^2 / (1 + s2)^2 on the subspace
        double norm2 = point.square().sum().item<double>();
        double expected = d + s2 * (-(k / (1 + s2) + (d - k) / s2) + norm2 / Math.Pow(1 + s2, 2));

        double estimate = DiffusionEstimators.Flipd(Exact(projector), point.to_type(float32), config);

        Assert.Equal(expected, estimate, 0.02);
        Assert.Equal(k, estimate, 0.1 * k);
    }

    [Fact]
    public void Hutchinsons_trace_agrees_with_the_exact_trace_within_its_sampling_error()
    {
        using var scope = NewDisposeScope();
        var (projector, point) = Subspace(40, 6, 7);
        var exact = new DiffusionEstimatorConfig();
        var hutchinson = exact with { ExactTraceUpTo = 10, HutchinsonProbes = 4000 };

        double a = DiffusionEstimators.Flipd(Exact(projector), point.to_type(float32), exact);
        double b = DiffusionEstimators.Flipd(Exact(projector), point.to_type(float32), hutchinson);

        Assert.Equal(a, b, 0.5);
        Assert.NotEqual(a, b);
    }

    [Fact]
    public void The_vp_time_maps_to_the_ve_noise_level_sqrt_of_exp_b_minus_1()
    {
        Assert.Equal(0.029875, DiffusionEstimators.IntegratedBeta(0.05), 9);
        Assert.Equal(Math.Sqrt(Math.Exp(0.029875) - 1), DiffusionEstimators.EquivalentSigma(0.05), 12);
        Assert.Equal(0.0, DiffusionEstimators.EquivalentSigma(0), 12);
    }

    [Fact]
    public void Subset_rows_are_seeded_sorted_and_distinct()
    {
        long[] a = DiffusionEstimators.SubsetRows(1000, 50, 3), b = DiffusionEstimators.SubsetRows(1000, 50, 3), c = DiffusionEstimators.SubsetRows(1000, 50, 4);

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.Equal(50, a.Distinct().Count());
        Assert.Equal(a.Order(), a);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), DiffusionEstimators.SubsetRows(10, 50, 3));
    }
}
