using ScottPlot;
using ScottPlot.TickGenerators;

namespace VAEase.Plotting;

/// <summary>Several named (x, y) series on one chart, e.g. the masking curve: reconstruction error
/// against the number of kept latent dims, one line per model.</summary>
public static class LinePlot
{
    /// <summary>Writes the chart to <paramref name="path"/> (.png or .svg). Points with a non-finite x or y
    /// are skipped; with <paramref name="logY"/> every remaining y must be positive.</summary>
    public static void Save(string path, IReadOnlyList<Series> series, ChartLabels labels, bool logY = false,
        int width = PlotFile.DefaultWidth, int height = PlotFile.DefaultHeight)
    {
        PlotFile.CheckPath(path);
        PlotFile.CheckSize(width, height);
        ChartStyle.CheckNotEmpty(series, nameof(series));
        using var plot = ChartStyle.NewPlot(labels);
        var lowest = double.PositiveInfinity;
        var highest = double.NegativeInfinity;
        for (int i = 0; i < series.Count; i++)
        {
            var (x, y) = FinitePoints(series[i], i, logY);
            var line = plot.Add.Scatter(x, y, ChartStyle.SeriesColor(i));
            line.LegendText = series[i].Name;
            line.LineWidth = 2;
            line.MarkerSize = x.Length > 60 ? 0 : 5;
            lowest = Math.Min(lowest, y.Min());
            highest = Math.Max(highest, y.Max());
        }
        if (logY) UseLogTicks(plot, lowest, highest);
        plot.ShowLegend(Edge.Right);
        ChartStyle.Save(plot, path, width, height);
    }

    /// <summary>The series' finite points; y as log10(y) when <paramref name="logY"/>.</summary>
    static (double[] X, double[] Y) FinitePoints(Series s, int index, bool logY)
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
            if (logY && s.Y[i] <= 0)
                throw new ArgumentException($"Series '{s.Name}' has y = {s.Y[i]} at x = {s.X[i]}; a log-scale y axis needs y > 0.", "series");
        return (keep.Select(i => s.X[i]).ToArray(), keep.Select(i => logY ? Math.Log10(s.Y[i]) : s.Y[i]).ToArray());
    }

    /// <summary>ScottPlot has no log axis: the data are log10(y), so label the ticks 10^tick, put them on
    /// whole decades with log-spaced minor ticks, and when no whole decade lies inside the data widen the
    /// view to the enclosing decades so that labelled ticks show.</summary>
    static void UseLogTicks(Plot plot, double lowestLog, double highestLog)
    {
        plot.Axes.Left.TickGenerator = new NumericAutomatic
        {
            IntegerTicksOnly = true,
            MinorTickGenerator = new LogMinorTickGenerator(),
            LabelFormatter = FormatPowerOfTen,
        };
        if (Math.Floor(highestLog) < lowestLog)
            plot.Axes.SetLimitsY(Math.Floor(lowestLog) - 0.03, Math.Floor(lowestLog) + 1.03);
    }

    /// <summary>10^exponent as "0.001" … "10000", or "1e-05" / "1e+05" beyond that.</summary>
    internal static string FormatPowerOfTen(double exponent)
    {
        double value = Math.Pow(10, exponent);
        return Math.Abs(exponent) <= 4
            ? value.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture)
            : value.ToString("0e+00", System.Globalization.CultureInfo.InvariantCulture);
    }
}
