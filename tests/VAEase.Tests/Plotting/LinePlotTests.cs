using VAEase.Plotting;

namespace VAEase.Tests.Plotting;

public sealed class LinePlotTests
{
    static readonly ChartLabels Labels = new("Masking curve", "latent dims kept", "reconstruction MSE");

    static Series[] Curves() =>
    [
        new("vaease", [0, 1, 2, 3, 4], [0.09, 0.03, 0.012, 0.011, 0.01]),
        new("vae", [0, 1, 2, 3, 4], [0.09, 0.06, 0.04, 0.03, 0.02]),
    ];

    [Fact]
    public void A_line_chart_is_written_as_a_png_of_the_default_size()
    {
        using var folder = new TempFolder();
        string path = folder.File("curve.png");

        LinePlot.Save(path, Curves(), Labels);

        using var bitmap = Png.Decode(path);
        Assert.Equal((800, 500), (bitmap.Width, bitmap.Height));
        Assert.Equal(["curve.png"], folder.Entries());
    }

    [Fact]
    public void The_title_is_drawn_with_the_embedded_font()
    {
        using var folder = new TempFolder();
        LinePlot.Save(folder.File("titled.png"), Curves(), Labels, width: 400, height: 300);
        LinePlot.Save(folder.File("untitled.png"), Curves(), Labels with { Title = "" }, width: 400, height: 300);

        using var titled = Png.Decode(folder.File("titled.png"));
        using var untitled = Png.Decode(folder.File("untitled.png"));
        Assert.True(Png.DarkPixels(titled, 0, 0, 400, 25) > 50, "no title text in the top strip");
        Assert.True(Png.DarkPixels(untitled, 0, 0, 400, 8) == 0, "the untitled chart has ink at its top edge");
    }

    [Fact]
    public void A_log_scale_chart_skips_non_finite_points_and_renders()
    {
        using var folder = new TempFolder();
        string path = folder.File("log.png");
        Series[] series = [.. Curves(), new("sae-l1", [0, 1, 2, 3], [0.09, double.NaN, 0.05, double.PositiveInfinity])];

        LinePlot.Save(path, series, Labels, logY: true, width: 400, height: 300);

        using var bitmap = Png.Decode(path);
        Assert.Equal((400, 300), (bitmap.Width, bitmap.Height));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-0.5)]
    public void A_log_scale_chart_rejects_a_non_positive_y(double y)
    {
        using var folder = new TempFolder();
        var ex = Assert.Throws<ArgumentException>(() =>
            LinePlot.Save(folder.File("log.png"), [new Series("vae", [0, 1], [0.1, y])], Labels, logY: true));
        Assert.Contains("'vae'", ex.Message);
        Assert.Empty(folder.Entries());
    }

    [Fact]
    public void Bad_series_are_rejected_with_a_message_that_names_the_problem()
    {
        using var folder = new TempFolder();
        string path = folder.File("bad.png");

        Assert.Contains("empty", Assert.Throws<ArgumentException>(() => LinePlot.Save(path, [], Labels)).Message);
        Assert.Contains("2 x values but 3 y values", Assert.Throws<ArgumentException>(() =>
            LinePlot.Save(path, [new Series("vae", [0, 1], [1, 2, 3])], Labels)).Message);
        Assert.Contains("no point with finite", Assert.Throws<ArgumentException>(() =>
            LinePlot.Save(path, [new Series("vae", [0, 1], [double.NaN, double.NaN])], Labels)).Message);
        Assert.Contains("name", Assert.Throws<ArgumentException>(() =>
            LinePlot.Save(path, [new Series(" ", [0], [1])], Labels)).Message);
        Assert.Empty(folder.Entries());
    }

    [Fact]
    public void A_log_x_chart_with_marked_points_renders_and_rejects_a_non_positive_x()
    {
        using var folder = new TempFolder();
        Series[] frontier = [new("sae-topk", [3, 5, 10], [0.4, 0.3, 0.2]), new("vaease", [4.8], [0.08], Markers: true)];

        LinePlot.Save(folder.File("frontier.png"), frontier, Labels, width: 400, height: 300, logX: true);

        using var bitmap = Png.Decode(folder.File("frontier.png"));
        Assert.Equal((400, 300), (bitmap.Width, bitmap.Height));
        var ex = Assert.Throws<ArgumentException>(() =>
            LinePlot.Save(folder.File("zero.png"), [new Series("sae-l1", [0, 2], [0.5, 0.4])], Labels, logX: true));
        Assert.Contains("x = 0", ex.Message);
        Assert.Equal(["frontier.png"], folder.Entries());
    }

    [Theory]
    [InlineData(-2, "0.01")]
    [InlineData(0, "1")]
    [InlineData(3, "1000")]
    [InlineData(5, "1e+05")]
    [InlineData(-6, "1e-06")]
    [InlineData(0.69897000433601886, "5")] // log10 5: a tick between decades
    [InlineData(-1.6989700043360187, "0.02")]
    public void Log_axis_ticks_are_labelled_with_the_power_of_ten(double exponent, string label) =>
        Assert.Equal(label, LinePlot.FormatPowerOfTen(exponent));
}
