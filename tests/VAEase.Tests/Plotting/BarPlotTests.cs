using VAEase.Plotting;

namespace VAEase.Tests.Plotting;

public sealed class BarPlotTests
{
    static readonly string[] Classes = ["0", "1", "2"];
    static readonly ChartLabels Labels = new("Active dims per class", "class", "mean active dims");

    [Fact]
    public void Grouped_bars_with_error_bars_are_written_as_a_png_of_the_requested_size()
    {
        using var folder = new TempFolder();
        string path = folder.File("bars.png");
        BarSeries[] series =
        [
            new("vaease", [8, 9, double.NaN], [1, 0.5, 1]),
            new("vae", [12, 11, 13], [double.NaN, 2, 1]),
            new("sae-l1", [20, 21, 19]),
        ];

        BarPlot.Save(path, Classes, series, Labels, width: 600, height: 400);

        using var bitmap = Png.Decode(path);
        Assert.Equal((600, 400), (bitmap.Width, bitmap.Height));
        Assert.Equal(["bars.png"], folder.Entries());
    }

    [Fact]
    public void Bars_are_drawn_in_the_series_colour()
    {
        using var folder = new TempFolder();
        string path = folder.File("bars.png");

        BarPlot.Save(path, ["only"], [new BarSeries("vaease", [10])], new ChartLabels(), width: 400, height: 300);

        using var bitmap = Png.Decode(path);
        var expected = ChartStyle.SeriesColor(0);
        var middle = bitmap.GetPixel(bitmap.Width / 2 - 40, bitmap.Height / 2);
        Assert.Equal((expected.R, expected.G, expected.B), (middle.Red, middle.Green, middle.Blue));
    }

    [Fact]
    public void Series_that_do_not_match_the_categories_are_rejected()
    {
        using var folder = new TempFolder();
        string path = folder.File("bars.png");

        Assert.Contains("2 values for 3 categories", Assert.Throws<ArgumentException>(() =>
            BarPlot.Save(path, Classes, [new BarSeries("vae", [1, 2])], Labels)).Message);
        Assert.Contains("1 errors for 3 categories", Assert.Throws<ArgumentException>(() =>
            BarPlot.Save(path, Classes, [new BarSeries("vae", [1, 2, 3], [1])], Labels)).Message);
        Assert.Contains("negative error", Assert.Throws<ArgumentException>(() =>
            BarPlot.Save(path, Classes, [new BarSeries("vae", [1, 2, 3], [1, -1, 1])], Labels)).Message);
        Assert.Contains("categories is empty", Assert.Throws<ArgumentException>(() =>
            BarPlot.Save(path, [], [new BarSeries("vae", [])], Labels)).Message);
        Assert.Empty(folder.Entries());
    }
}
