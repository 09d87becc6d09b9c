using ScottPlot;
using ScottPlot.TickGenerators;

namespace VAEase.Plotting;

/// <summary>Several named (x, y) series on one chart, e.g. the masking curve: reconstruction error
/// against the number of kept latent dims, one line per model.</summary>
public static class LinePlot
{
    /// <summary>Writes the chart to <paramref name="path"/> (.png or .svg). Points with a non-finite x or y
    /// are skipped; with <paramref name="logX"/> (<paramref name="logY"/>) every remaining x (y) must be positive.</summary>
    public static void Save(string path, IReadOnlyList<Series> series, ChartLabels labels, bool logY = false,
        int width = PlotFile.DefaultWidth, int height = PlotFile.DefaultHeight, bool logX = false)
    {
        PlotFile.CheckPath(path);
        PlotFile.CheckSize(width, height);
        ChartStyle.CheckNotEmpty(series, nameof(series));
        using var plot = ChartStyle.NewPlot(labels);
        var (lowestX, highestX, lowestY, highestY) = (double.PositiveInfinity, double.NegativeInfinity, double.PositiveInfinity, double.NegativeInfinity);
        for (int i = 0; i < series.Count; i++)
        {
            var (x, y) = FinitePoints(series[i], i, logX, logY);
            var line = plot.Add.Scatter(x, y, ChartStyle.SeriesColor(i));
            line.LegendText = series[i].Name;
            line.LineWidth = series[i].Markers ? 0 : 2;
            line.MarkerSize = series[i].Markers ? 11 : x.Length > 60 ? 0 : 5;
            (lowestX, highestX) = (Math.Min(lowestX, x.Min()), Math.Max(highestX, x.Max()));
            (lowestY, highestY) = (Math.Min(lowestY, y.Min()), Math.Max(highestY, y.Max()));
        }
        if (logX && UseLogTicks(plot.Axes.Bottom, lowestX, highestX) is { } xView) plot.Axes.SetLimitsX(xView.Low, xView.High);
        if (logY && UseLogTicks(plot.Axes.Left, lowestY, highestY) is { } yView) plot.Axes.SetLimitsY(yView.Low, yView.High);
        plot.ShowLegend(Edge.Right);
        ChartStyle.Save(plot, path, width, height);
    }

    /// <summary>The series' finite points; x as log10(x) when <paramref name="logX"/>, y as log10(y) when <paramref name="logY"/>.</summary>
    static (double[] X, double[] Y) FinitePoints(Series s, int index, bool logX, bool logY)
    {
        ChartStyle.CheckName(s.Name, index, "series");
        ArgumentNullException.ThrowIfNull(s.X, $"series[{index}].X");
        ArgumentNullException.ThrowIfNull(s.Y, $"series[{index}].Y");
        if (s.X.Length != s.Y.Length)
            throw new ArgumentException($"Series '{s.Name}' has {s.X.Length} x values but {s.Y.Length} y values.", "series");
        int[] keep = Enumerable.Range(0, s.X.Length).Where(i => double.IsFinite(s.X[i]) && double.IsFinite(s.Y[i])).ToArray();
        if (keep.Length == 0)
            throw new ArgumentException($"Series '{s.Name}' has no point with finite x and y.", "series");
        foreach (int i in keep)
        {
            if (logY && s.Y[i] <= 0)
                throw new ArgumentException($"Series '{s.Name}' has y = {s.Y[i]} at x = {s.X[i]}; a log-scale y axis needs y > 0.", "series");
            if (logX && s.X[i] <= 0)
                throw new ArgumentException($"Series '{s.Name}' has x = {s.X[i]}; a log-scale x axis needs x > 0.", "series");
        }
        return (keep.Select(i => logX ? Math.Log10(s.X[i]) : s.X[i]).ToArray(), keep.Select(i => logY ? Math.Log10(s.Y[i]) : s.Y[i]).ToArray());
    }

    /// <summary>ScottPlot has no log axis: the data are log10 of the values, so put the ticks at log10 of round values and
    /// label them with the values: whole decades, and 2 and 5 within them when the data span less than two decades (the
    /// other integers of each decade as minor ticks). Returns the enclosing decade as the view when no labelled tick lies
    /// inside the data, so that one shows; else null (the automatic view).</summary>
    static (double Low, double High)? UseLogTicks(IAxis axis, double lowestLog, double highestLog)
    {
        var ticks = new NumericManual();
        bool fine = highestLog - lowestLog < 2;
        bool labelledInside = false;
        for (int decade = (int)Math.Floor(lowestLog) - 1; decade <= (int)Math.Ceiling(highestLog) + 1; decade++)
            for (int m = 1; m <= 9; m++)
            {
                double at = decade + Math.Log10(m);
                if (m == 1 || (fine && m is 2 or 5))
                {
                    ticks.AddMajor(at, FormatPowerOfTen(at));
                    labelledInside |= at >= lowestLog && at <= highestLog;
                }
                else ticks.AddMinor(at);
            }
        axis.TickGenerator = ticks;
        return labelledInside ? null : (Math.Floor(lowestLog) - 0.03, Math.Floor(lowestLog) + 1.03);
    }

    /// <summary>10^exponent as "0.001" … "10000" (or "0.02", "500" between decades), or "1e-05" / "1e+05" beyond that.</summary>
    internal static string FormatPowerOfTen(double exponent)
    {
        double value = Math.Pow(10, exponent);
        return Math.Abs(exponent) <= 4
            ? value.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture)
            : value.ToString("0e+00", System.Globalization.CultureInfo.InvariantCulture);
    }
}
