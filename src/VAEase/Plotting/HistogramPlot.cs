using ScottPlot;
using ScottPlot.TickGenerators;
using SkiaSharp;

namespace VAEase.Plotting;

/// <summary>Integer histograms as small multiples: one panel per series (e.g. per model) in a grid, all
/// panels on the same x and y ranges. Chosen over overlaid step lines because the distributions of
/// different models overlap (and hide each other) while the shared axes still compare location and spread.</summary>
public static class HistogramPlot
{
    /// <summary>Height of the strip above the panels that holds the overall title, in pixels.</summary>
    const int TitleHeight = 34;

    /// <summary>Writes the panels to <paramref name="path"/> (.png or .svg). The title goes above all panels,
    /// the x label under the bottom row, the y label beside the left column; each panel is titled with its
    /// series name, sample count and mean. Counts must be non-negative and each series must count something.</summary>
    public static void Save(string path, IReadOnlyList<HistogramSeries> series, ChartLabels labels,
        int width = PlotFile.DefaultWidth, int height = PlotFile.DefaultHeight)
    {
        PlotFile.CheckPath(path);
        PlotFile.CheckSize(width, height);
        ArgumentNullException.ThrowIfNull(labels);
        ChartStyle.CheckNotEmpty(series, nameof(series));
        for (int i = 0; i < series.Count; i++) Check(series[i], i);

        int columns = series.Count <= 3 ? series.Count : (int)Math.Ceiling(Math.Sqrt(series.Count));
        int rows = (series.Count + columns - 1) / columns;
        int top = string.IsNullOrEmpty(labels.Title) ? 0 : TitleHeight;
        if (height - top < rows * 60 || width < columns * 80)
            throw new ArgumentException($"A {width}x{height} image is too small for {series.Count} histogram panels.", nameof(height));

        var nonZero = series.SelectMany(s => s.Counts).Where(p => p.Value > 0).ToArray();
        double xMin = nonZero.Min(p => p.Key) - 1, xMax = nonZero.Max(p => p.Key) + 1;
        double yMax = nonZero.Max(p => p.Value) * 1.1;

        var plots = new List<Plot>();
        try
        {
            for (int i = 0; i < series.Count; i++)
            {
                var panelLabels = new ChartLabels(
                    Title: PanelTitle(series[i]),
                    XLabel: i / columns == rows - 1 ? labels.XLabel : "",
                    YLabel: i % columns == 0 ? labels.YLabel : "");
                plots.Add(Panel(series[i], ChartStyle.SeriesColor(i), panelLabels, xMin, xMax, yMax));
            }
            PlotFile.Write(path, width, height, canvas =>
            {
                if (top > 0) DrawTitle(canvas, labels.Title, width, top);
                float panelWidth = (float)width / columns, panelHeight = (float)(height - top) / rows;
                for (int i = 0; i < plots.Count; i++)
                {
                    float left = i % columns * panelWidth, upper = top + i / columns * panelHeight;
                    // A plot clears the canvas before drawing: the clip keeps each panel (and the title) intact.
                    canvas.Save();
                    canvas.ClipRect(SKRect.Create(left, upper, panelWidth, panelHeight));
                    plots[i].Render(canvas, new PixelRect(left, left + panelWidth, upper + panelHeight, upper));
                    canvas.Restore();
                }
            });
        }
        finally
        {
            foreach (var plot in plots) plot.Dispose();
        }
    }

    static Plot Panel(HistogramSeries s, Color color, ChartLabels labels, double xMin, double xMax, double yMax)
    {
        var plot = ChartStyle.NewPlot(labels);
        plot.Axes.Title.Label.FontSize = 13;
        plot.Axes.Bottom.Label.FontSize = 13;
        plot.Axes.Left.Label.FontSize = 13;
        var bars = s.Counts.Where(p => p.Value > 0).OrderBy(p => p.Key)
            .Select(p => new Bar { Position = p.Key, Value = p.Value, Size = 1, FillColor = color, LineWidth = 0 });
        plot.Add.Bars(bars.ToList());
        plot.Axes.Bottom.TickGenerator = new NumericAutomatic { IntegerTicksOnly = true };
        plot.Axes.Left.TickGenerator = new NumericAutomatic { IntegerTicksOnly = true };
        plot.Axes.SetLimits(xMin, xMax, 0, yMax);
        return plot;
    }

    static string PanelTitle(HistogramSeries s)
    {
        long total = s.Counts.Sum(p => (long)p.Value);
        double mean = s.Counts.Sum(p => (double)p.Key * p.Value) / total;
        return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{s.Name}  (n = {total}, mean {mean:0.##})");
    }

    static void DrawTitle(SKCanvas canvas, string title, int width, int stripHeight)
    {
        using var font = new SKFont(PlotFonts.Bold, 18);
        using var paint = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        canvas.DrawText(title, width / 2f, stripHeight - 9, SKTextAlign.Center, font, paint);
    }

    static void Check(HistogramSeries s, int index)
    {
        ChartStyle.CheckName(s.Name, index, "series");
        ArgumentNullException.ThrowIfNull(s.Counts, $"series[{index}].Counts");
        foreach (var (value, count) in s.Counts)
            if (count < 0)
                throw new ArgumentException($"Series '{s.Name}' has a negative count {count} for value {value}.", "series");
        if (!s.Counts.Values.Any(c => c > 0))
            throw new ArgumentException($"Series '{s.Name}' counts nothing: every count is zero.", "series");
    }
}
