using ScottPlot;

namespace VAEase.Plotting;

/// <summary>Grouped bars: one group per category (e.g. class labels 0..9), one bar per named series
/// (e.g. model) in each group, with optional error bars; e.g. per-class mean active dims per model.</summary>
public static class BarPlot
{
    /// <summary>Share of a category's slot taken by its group of bars; the rest is the gap between groups.</summary>
    const double GroupWidth = 0.8;

    /// <summary>Writes the chart to <paramref name="path"/> (.png or .svg). Each series has one value per
    /// category; a non-finite value draws no bar, a non-finite error draws no error bar, a negative error throws.</summary>
    public static void Save(string path, IReadOnlyList<string> categories, IReadOnlyList<BarSeries> series, ChartLabels labels,
        int width = PlotFile.DefaultWidth, int height = PlotFile.DefaultHeight)
    {
        PlotFile.CheckPath(path);
        PlotFile.CheckSize(width, height);
        ChartStyle.CheckNotEmpty(categories, nameof(categories));
        ChartStyle.CheckNotEmpty(series, nameof(series));
        for (int s = 0; s < series.Count; s++) Check(series[s], s, categories.Count);

        using var plot = ChartStyle.NewPlot(labels);
        double barWidth = GroupWidth / series.Count;
        for (int s = 0; s < series.Count; s++)
        {
            double offset = (s - (series.Count - 1) / 2.0) * barWidth;
            AddSeries(plot, series[s], ChartStyle.SeriesColor(s), offset, barWidth);
        }
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, categories.Count).Select(c => (double)c).ToArray(), categories.ToArray());
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        plot.Grid.XAxisStyle.MajorLineStyle.Width = 0;
        plot.Axes.Margins(bottom: 0);
        plot.ShowLegend(Edge.Right);
        ChartStyle.Save(plot, path, width, height);
    }

    /// <summary>The series' bars, shifted by <paramref name="offset"/> within each category's group.
    /// Error bars are a separate black plottable: ScottPlot draws Bar.Error in the bar's outline style.</summary>
    static void AddSeries(Plot plot, BarSeries s, Color color, double offset, double barWidth)
    {
        var bars = new List<Bar>();
        var errorBars = new List<(double X, double Y, double Error)>();
        for (int c = 0; c < s.Values.Length; c++)
        {
            double value = s.Values[c];
            if (!double.IsFinite(value)) continue;
            bars.Add(new Bar { Position = c + offset, Value = value, Size = barWidth, FillColor = color, LineWidth = 0 });
            double error = s.Errors?[c] ?? double.NaN;
            if (double.IsFinite(error) && error > 0) errorBars.Add((c + offset, value, error));
        }
        var plottable = plot.Add.Bars(bars);
        plottable.LegendText = s.Name;
        plottable.Color = color;
        if (errorBars.Count == 0) return;
        var errors = plot.Add.ErrorBar(
            errorBars.Select(e => e.X).ToArray(), errorBars.Select(e => e.Y).ToArray(), errorBars.Select(e => e.Error).ToArray());
        errors.Color = Colors.Black;
        errors.LineWidth = 1.5f;
    }

    static void Check(BarSeries s, int index, int categoryCount)
    {
        ChartStyle.CheckName(s.Name, index, "series");
        ArgumentNullException.ThrowIfNull(s.Values, $"series[{index}].Values");
        if (s.Values.Length != categoryCount)
            throw new ArgumentException($"Series '{s.Name}' has {s.Values.Length} values for {categoryCount} categories.", "series");
        if (s.Errors is null) return;
        if (s.Errors.Length != categoryCount)
            throw new ArgumentException($"Series '{s.Name}' has {s.Errors.Length} errors for {categoryCount} categories.", "series");
        for (int c = 0; c < categoryCount; c++)
            if (s.Errors[c] < 0)
                throw new ArgumentException($"Series '{s.Name}' has a negative error {s.Errors[c]} at category {c}.", "series");
    }
}
