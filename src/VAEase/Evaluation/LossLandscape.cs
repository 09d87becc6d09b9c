namespace VAEase.Evaluation;

/// <summary>The 1-D loss landscapes of Figure 3 (appendix D.1, Theorem 4.7, Corollary 4.8) on a grid
/// z in [0, ZMax], with the located local minima of each curve. Both losses are even in z (flip the
/// signs of z and w), so the half-line shows every distinct minimum; z = 0 counts as one when the
/// loss rises away from it.</summary>
public sealed record LossLandscape
{
    /// <summary>The latent value: z for SAE-log, mu_z for VAEase.</summary>
    public required double[] Z { get; init; }

    /// <summary>SAE-log loss with w optimised out (closed form, appendix E.4).</summary>
    public required double[] LossSaeLog { get; init; }

    /// <summary>VAEase loss with w (closed form) and sigma_z (numerically) optimised out.</summary>
    public required double[] LossVAEase { get; init; }

    /// <summary>The optimal sigma_z at each grid point of the VAEase curve.</summary>
    public required double[] SigmaVAEase { get; init; }

    /// <summary>Local minima of the SAE-log curve, refined off the grid.</summary>
    public required double[] MinimaSaeLog { get; init; }

    /// <summary>Local minima of the VAEase curve, refined off the grid.</summary>
    public required double[] MinimaVAEase { get; init; }

    public required LandscapeConfig Config { get; init; }

    public static LossLandscape Compute(LandscapeConfig config)
    {
        config.Validate();
        double[] z = Enumerable.Range(0, config.Points).Select(i => config.ZMax * i / (config.Points - 1)).ToArray();
        double[] sae = Array.ConvertAll(z, v => SaeLog(config, v));
        var vaease = Array.ConvertAll(z, v => VAEase(config, v));
        return new LossLandscape
        {
            Z = z,
            LossSaeLog = sae,
            LossVAEase = vaease.Select(p => p.Loss).ToArray(),
            SigmaVAEase = vaease.Select(p => p.Sigma).ToArray(),
            MinimaSaeLog = LocalMinima(z, sae, v => SaeLog(config, v)),
            MinimaVAEase = LocalMinima(z, vaease.Select(p => p.Loss).ToArray(), v => VAEase(config, v).Loss),
            Config = config,
        };
    }

    /// <summary>SAE loss (1) for one point, L(w, z) = (x - w z)^2 + lambda_1 log(|z| + eps) + lambda_2 w^2. Its
    /// minimiser w = z x / (lambda_2 + z^2) leaves L(z) = lambda_2 x^2 / (lambda_2 + z^2) + lambda_1 log(|z| + eps) (E.4).</summary>
    public static double SaeLog(LandscapeConfig c, double z) =>
        c.Lambda2 * c.X * c.X / (c.Lambda2 + z * z) + c.Lambda1 * Math.Log(Math.Abs(z) + c.Eps);

    /// <summary>VAEase loss for one point (E.3, d = 1):
    /// L = { log(2 pi gamma) + [(x - w(1-s)mu)^2 + w^2 s^2 (1-s)^2] / gamma + s^2 - log s^2 + mu^2 - 1 } / 2, s = sigma_z.
    /// Its minimiser w = x mu / ((1 - s)(mu^2 + s^2)) leaves the residual x^2 s^2 / (mu^2 + s^2); the result is then
    /// minimised over s in (0, 1] (the infimum as s -> 1, where w grows without bound, is its limit).</summary>
    public static (double Loss, double Sigma) VAEase(LandscapeConfig c, double mu)
    {
        double m = mu * mu, best = double.PositiveInfinity, bestS = 1;
        foreach (double s2 in SigmaSquaredCandidates(c, m))
        {
            double loss = VAEaseProfile(c, m, s2);
            if (loss < best) { best = loss; bestS = s2; }
        }
        return (best, Math.Sqrt(bestS));
    }

    /// <summary>The VAEase loss with w optimised out, as a function of m = mu^2 and v = sigma^2.</summary>
    internal static double VAEaseProfile(LandscapeConfig c, double m, double v) =>
        0.5 * (Math.Log(2 * Math.PI * c.Gamma) + c.X * c.X * v / (c.Gamma * (m + v)) + v - Math.Log(v) + m - 1);

    /// <summary>v = 1 and the local minima in v of the profile: d/dv has the sign of the cubic
    /// P(v) = gamma (v - 1)(v + m)^2 + x^2 m v, so its minima are where P turns from - to +. The sign
    /// changes are bracketed on a log grid of v in [1e-15, 1] and bisected to machine precision.</summary>
    private static IEnumerable<double> SigmaSquaredCandidates(LandscapeConfig c, double m)
    {
        yield return 1.0;
        double P(double v) => c.Gamma * (v - 1) * (v + m) * (v + m) + c.X * c.X * m * v;
        const int steps = 600;
        double lo = 1e-15, pLo = P(lo);
        for (int i = 1; i <= steps; i++)
        {
            double hi = Math.Pow(10, -15 + 15.0 * i / steps), pHi = P(hi);
            if (pLo < 0 && pHi >= 0)
            {
                double a = lo, b = hi;
                for (int it = 0; it < 200 && b - a > 1e-17 * b; it++)
                {
                    double mid = 0.5 * (a + b);
                    if (P(mid) < 0) a = mid; else b = mid;
                }
                yield return 0.5 * (a + b);
            }
            lo = hi;
            pLo = pHi;
        }
    }

    /// <summary>Strict local minima of a sampled curve: interior points below both neighbours and
    /// z = 0 when below its right neighbour (by symmetry a minimum of the full curve); the right end
    /// is not counted. Each interior minimum is refined by golden-section search between its grid neighbours.</summary>
    internal static double[] LocalMinima(double[] z, double[] loss, Func<double, double> f)
    {
        var minima = new List<double>();
        if (loss[0] < loss[1]) minima.Add(z[0]);
        for (int i = 1; i < z.Length - 1; i++)
            if (loss[i] < loss[i - 1] && loss[i] < loss[i + 1]) minima.Add(GoldenSection(f, z[i - 1], z[i + 1]));
        return minima.ToArray();
    }

    private static double GoldenSection(Func<double, double> f, double a, double b)
    {
        double ratio = (Math.Sqrt(5) - 1) / 2;
        double c = b - ratio * (b - a), d = a + ratio * (b - a), fc = f(c), fd = f(d);
        for (int it = 0; it < 200 && b - a > 1e-12; it++)
        {
            if (fc < fd) { b = d; d = c; fd = fc; c = b - ratio * (b - a); fc = f(c); }
            else { a = c; c = d; fc = fd; d = a + ratio * (b - a); fd = f(d); }
        }
        return 0.5 * (a + b);
    }
}
