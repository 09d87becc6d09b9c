using VAEase.Evaluation;

namespace VAEase.Tests.Evaluation;

/// <summary>Figure 3 (appendix D.1): with lambda_1 = lambda_2 = 0.1, eps = 1e-4, gamma = 0.1 and x = 1,
/// the SAE-log loss has two local minima on z >= 0 and the VAEase loss one.</summary>
public sealed class LossLandscapeTests
{
    static readonly LandscapeConfig Figure3 = new();

    [Fact]
    public void Sae_log_has_two_local_minima_and_VAEase_one()
    {
        LossLandscape landscape = LossLandscape.Compute(Figure3);

        Assert.Equal(2, landscape.MinimaSaeLog.Length);
        Assert.Single(landscape.MinimaVAEase);
        Assert.Equal(Figure3.Points, landscape.Z.Length);
        Assert.Equal(Figure3.Points, landscape.LossSaeLog.Length);
        Assert.Equal(Figure3.Points, landscape.LossVAEase.Length);
    }

    [Fact]
    public void Sae_log_minima_sit_at_zero_and_at_the_larger_root_of_the_stationarity_condition()
    {
        double[] minima = LossLandscape.Compute(Figure3).MinimaSaeLog;

        Assert.Equal(0.0, minima[0]);
        // dL/dz = 0 <=> 2 lambda_2 x^2 z (z + eps) = lambda_1 (lambda_2 + z^2)^2 (E.4); with eps -> 0 and the
        // constants above, z^2 - sqrt(2) z + 0.1 = 0, whose larger root is (sqrt 2 + sqrt 1.6) / 2.
        Assert.Equal((Math.Sqrt(2) + Math.Sqrt(1.6)) / 2, minima[1], 1e-4);
        double root = Bisect(z => 0.2 * z * (z + 1e-4) - 0.1 * Math.Pow(0.1 + z * z, 2), 1.0, 2.0);
        Assert.Equal(root, minima[1], 1e-6);
    }

    [Fact]
    public void VAEase_minimum_is_the_closed_form_optimum_of_theorem_4_7()
    {
        LossLandscape landscape = LossLandscape.Compute(Figure3);
        double mu = landscape.MinimaVAEase[0];

        // E.3: (mu_z, sigma_z) = (sqrt(1 - gamma / x^2), sqrt(gamma / x^2)).
        Assert.Equal(Math.Sqrt(0.9), mu, 1e-6);
        Assert.Equal(Math.Sqrt(0.1), LossLandscape.VAEase(Figure3, mu).Sigma, 1e-6);
    }

    [Fact]
    public void VAEase_sigma_search_equals_a_brute_force_scan()
    {
        foreach (double mu in new[] { 0.0, 0.01, 0.2, 0.9486833, 1.5, 3.0 })
        {
            double brute = double.PositiveInfinity;
            for (int i = 1; i <= 200_000; i++)
            {
                double s = i / 200_000.0;
                brute = Math.Min(brute, VAEaseLoss(Figure3, BestWeight(Figure3, mu, s), mu, s));
            }
            Assert.Equal(brute, LossLandscape.VAEase(Figure3, mu).Loss, 1e-6);
        }
    }

    [Fact]
    public void Sae_log_curve_equals_the_loss_minimised_over_the_decoder_weight_by_scan()
    {
        var c = Figure3;
        foreach (double z in new[] { 0.0, 0.05, 0.5, 1.34, 2.5 })
        {
            double brute = double.PositiveInfinity;
            for (int i = -40_000; i <= 40_000; i++)
            {
                double w = i / 10_000.0;
                brute = Math.Min(brute, Math.Pow(c.X - w * z, 2) + c.Lambda1 * Math.Log(Math.Abs(z) + c.Eps) + c.Lambda2 * w * w);
            }
            Assert.Equal(brute, LossLandscape.SaeLog(c, z), 1e-7);
        }
    }

    [Fact]
    public void An_invalid_setting_names_its_field()
    {
        var e = Assert.Throws<ArgumentException>(() => LossLandscape.Compute(Figure3 with { Gamma = 0 }));
        Assert.Equal("Gamma", e.ParamName);
    }

    /// <summary>The unprofiled VAEase loss of E.3 for d = 1, sigma in (0, 1).</summary>
    static double VAEaseLoss(LandscapeConfig c, double w, double mu, double s) =>
        0.5 * (Math.Log(2 * Math.PI * c.Gamma)
               + (Math.Pow(c.X - w * (1 - s) * mu, 2) + w * w * s * s * (1 - s) * (1 - s)) / c.Gamma
               + s * s - Math.Log(s * s) + mu * mu - 1);

    /// <summary>The least-squares w of the reconstruction term (the KKT condition of E.3).</summary>
    static double BestWeight(LandscapeConfig c, double mu, double s) =>
        s >= 1 ? 0 : c.X * mu / ((1 - s) * (mu * mu + s * s));

    static double Bisect(Func<double, double> f, double a, double b)
    {
        double fa = f(a);
        for (int i = 0; i < 200; i++)
        {
            double m = 0.5 * (a + b), fm = f(m);
            if (Math.Sign(fm) == Math.Sign(fa)) { a = m; fa = fm; } else b = m;
        }
        return 0.5 * (a + b);
    }
}
