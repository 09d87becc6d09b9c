using System.Globalization;

namespace VAEase.Experiments;

/// <summary>Geometric ladders of a sweep's knob around a centre value (the recipe's).</summary>
public static class Ladder
{
    /// <summary>center · ratio^j for j = -steps..steps, each rounded to 3 significant digits (so that a folder named by
    /// the value holds exactly that value).</summary>
    public static double[] Geometric(double center, double ratio, int steps)
    {
        if (!(center > 0) || !double.IsFinite(center)) throw new ArgumentException($"must be finite and > 0, got {center}", nameof(center));
        if (!(ratio > 1) || !double.IsFinite(ratio)) throw new ArgumentException($"must be finite and > 1, got {ratio}", nameof(ratio));
        if (steps < 0) throw new ArgumentException($"must be >= 0, got {steps}", nameof(steps));
        return [.. Enumerable.Range(-steps, 2 * steps + 1).Select(j => Round3(center * Math.Pow(ratio, j)))];
    }

    /// <summary>The geometric ladder rounded to whole numbers (halves away from zero), kept in [min, max], each once.</summary>
    public static int[] Whole(double center, double ratio, int steps, int min, int max) =>
        [.. Geometric(center, ratio, steps).Select(v => (int)Math.Clamp(Math.Round(v, MidpointRounding.AwayFromZero), min, max)).Distinct()];

    /// <summary>A knob's value as it names a folder: 5, 0.001, 0.000316, 1e-05.</summary>
    public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture).ToLowerInvariant();

    private static double Round3(double value) => double.Parse(value.ToString("G3", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
}
