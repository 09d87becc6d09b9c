using ScottPlot;

namespace VAEase.Plotting;

/// <summary>What the ScottPlot charts share: embedded fonts, texts, one colour per series index
/// (so a model keeps its colour across charts when series come in the same order), input checks.</summary>
internal static class ChartStyle
{
    static readonly IPalette palette = new ScottPlot.Palettes.Category10();

    /// <summary>A new plot with the embedded fonts and the given title and axis labels.</summary>
    public static Plot NewPlot(ChartLabels labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var plot = new Plot();
        PlotFonts.Apply(plot);
        plot.Axes.Title.Label.Font = PlotFonts.Bold;
        if (!string.IsNullOrEmpty(labels.Title)) plot.Title(labels.Title);
        if (!string.IsNullOrEmpty(labels.XLabel)) plot.XLabel(labels.XLabel);
        if (!string.IsNullOrEmpty(labels.YLabel)) plot.YLabel(labels.YLabel);
        return plot;
    }

    /// <summary>The colour of the <paramref name="index"/>-th series.</summary>
    public static Color SeriesColor(int index) => palette.GetColor(index);

    /// <summary>Writes one plot filling the whole image.</summary>
    public static void Save(Plot plot, string path, int width, int height) =>
        PlotFile.Write(path, width, height, canvas => plot.Render(canvas, new PixelRect(0, width, height, 0)));

    /// <summary>Throws unless <paramref name="items"/> has at least one element and none is null.</summary>
    public static void CheckNotEmpty<T>(IReadOnlyList<T>? items, string paramName) where T : class
    {
        ArgumentNullException.ThrowIfNull(items, paramName);
        if (items.Count == 0) throw new ArgumentException($"{paramName} is empty: nothing to plot.", paramName);
        for (int i = 0; i < items.Count; i++)
            if (items[i] is null) throw new ArgumentException($"{paramName}[{i}] is null.", paramName);
    }

    /// <summary>Throws unless the series name is non-blank.</summary>
    public static void CheckName(string? name, int index, string paramName)
    {
        if (string.IsNullOrWhiteSpace(name))
            throw new ArgumentException($"{paramName}[{index}] has no name; the legend needs one.", paramName);
    }
}
