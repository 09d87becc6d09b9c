using System.Xml.Linq;
using VAEase.Plotting;

namespace VAEase.Tests.Plotting;

public sealed class PlotFileTests
{
    static readonly Series[] Curve = [new("vaease", [0, 1, 2], [3, 2, 1])];

    [Theory]
    [InlineData("plot.jpg")]
    [InlineData("plot")]
    [InlineData("plot.png.tmp")]
    public void An_unsupported_extension_is_rejected_before_anything_is_written(string name)
    {
        using var folder = new TempFolder();
        var ex = Assert.Throws<ArgumentException>(() => LinePlot.Save(folder.File(name), Curve, new ChartLabels()));
        Assert.Contains(".png or .svg", ex.Message);
        Assert.Empty(folder.Entries());
    }

    [Fact]
    public void An_svg_path_gets_a_well_formed_svg_of_the_requested_size()
    {
        using var folder = new TempFolder();
        string path = folder.File("curve.SVG");

        LinePlot.Save(path, Curve, new ChartLabels("t", "x", "y"), width: 640, height: 480);

        var svg = XDocument.Load(path).Root!;
        Assert.Equal("svg", svg.Name.LocalName);
        Assert.Equal(("640", "480"), ((string?)svg.Attribute("width"), (string?)svg.Attribute("height")));
        Assert.Contains(svg.Descendants(), e => e.Name.LocalName == "text");
    }

    [Fact]
    public void Writing_over_an_existing_file_replaces_it_and_leaves_no_temp_file()
    {
        using var folder = new TempFolder();
        string path = folder.File("curve.png");
        File.WriteAllText(path, "not a png");

        LinePlot.Save(path, Curve, new ChartLabels(), width: 300, height: 200);

        using var bitmap = Png.Decode(path);
        Assert.Equal((300, 200), (bitmap.Width, bitmap.Height));
        Assert.Equal(["curve.png"], folder.Entries());
    }

    [Theory]
    [InlineData(0, 500)]
    [InlineData(800, -1)]
    [InlineData(100_000, 500)]
    public void A_size_outside_the_allowed_range_is_rejected(int width, int height)
    {
        using var folder = new TempFolder();
        Assert.Throws<ArgumentException>(() => LinePlot.Save(folder.File("p.png"), Curve, new ChartLabels(), width: width, height: height));
    }

    [Fact]
    public void The_embedded_fonts_load_and_cover_greek_and_math_signs()
    {
        Assert.Equal("DejaVu Sans", PlotFonts.Regular.FamilyName);
        Assert.True(PlotFonts.Bold.FontWeight >= 700);
        using var font = new SkiaSharp.SKFont(PlotFonts.Regular);
        Assert.DoesNotContain((ushort)0, font.GetGlyphs("Aσλβ±≤−×"));
    }
}
