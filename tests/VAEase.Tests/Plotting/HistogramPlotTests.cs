using VAEase.Plotting;

namespace VAEase.Tests.Plotting;

public sealed class HistogramPlotTests
{
    static readonly ChartLabels Labels = new("Active dims per sample", "active dims", "samples");

    [Fact]
    public void Counting_samples_gives_each_value_its_number_of_occurrences()
    {
        var histogram = HistogramSeries.FromSamples("vaease", [3, 5, 3, 3, 4]);

        Assert.Equal(new Dictionary<int, int> { [3] = 3, [4] = 1, [5] = 1 }, histogram.Counts);
    }

    [Fact]
    public void One_panel_per_model_is_written_as_a_png_of_the_requested_size()
    {
        using var folder = new TempFolder();
        string path = folder.File("hist.png");
        HistogramSeries[] series =
        [
            HistogramSeries.FromSamples("vaease", [8, 9, 9, 10, 9]),
            HistogramSeries.FromSamples("vae", [12, 13, 12]),
            new("sae-l1", new Dictionary<int, int> { [20] = 4, [21] = 0, [25] = 1 }),
            HistogramSeries.FromSamples("sae-log", [16]),
            HistogramSeries.FromSamples("sae-topk", [10, 10]),
        ];

        HistogramPlot.Save(path, series, Labels, width: 700, height: 450);

        using var bitmap = Png.Decode(path);
        Assert.Equal((700, 450), (bitmap.Width, bitmap.Height));
        Assert.True(Png.DarkPixels(bitmap, 0, 0, 700, 30) > 50, "no overall title above the panels");
        Assert.Equal(["hist.png"], folder.Entries());
    }

    [Fact]
    public void Histograms_with_negative_or_only_zero_counts_are_rejected()
    {
        using var folder = new TempFolder();
        string path = folder.File("hist.png");

        Assert.Contains("negative count -1 for value 4", Assert.Throws<ArgumentException>(() =>
            HistogramPlot.Save(path, [new HistogramSeries("vae", new Dictionary<int, int> { [3] = 2, [4] = -1 })], Labels)).Message);
        Assert.Contains("counts nothing", Assert.Throws<ArgumentException>(() =>
            HistogramPlot.Save(path, [new HistogramSeries("vae", new Dictionary<int, int> { [3] = 0 })], Labels)).Message);
        Assert.Contains("too small", Assert.Throws<ArgumentException>(() =>
            HistogramPlot.Save(path, [HistogramSeries.FromSamples("a", [1]), HistogramSeries.FromSamples("b", [1])], Labels, width: 100, height: 100)).Message);
        Assert.Empty(folder.Entries());
    }
}
