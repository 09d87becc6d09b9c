using SkiaSharp;
using VAEase.Plotting;

namespace VAEase.Tests.Plotting;

public sealed class ImageGridTests
{
    const int H = 3, W = 4, Scale = 2;

    static float[] Filled(float value) => Enumerable.Repeat(value, H * W).ToArray();

    /// <summary>Row 0: gray, white, black. Row 1: black, clamped-white (2.0), clamped-black (-1.0).</summary>
    static float[][][] Cells() =>
    [
        [Filled(0.5f), Filled(1f), Filled(0f)],
        [Filled(0f), Filled(2f), Filled(-1f)],
    ];

    static void AssertBlock(SKBitmap bitmap, ImageGridLayout layout, int row, int column, byte level)
    {
        for (int y = 0; y < layout.CellHeight; y++)
            for (int x = 0; x < layout.CellWidth; x++)
            {
                var pixel = bitmap.GetPixel(layout.CellLeft(column) + x, layout.CellTop(row) + y);
                Assert.True(pixel == new SKColor(level, level, level),
                    $"cell ({row}, {column}) pixel ({y}, {x}) is {pixel}, expected gray {level}");
            }
    }

    [Fact]
    public void Each_image_fills_its_upscaled_cell_with_its_gray_levels()
    {
        using var folder = new TempFolder();
        string path = folder.File("grid.png");

        ImageGrid.Save(path, Cells(), H, W, scale: Scale);

        using var bitmap = Png.Decode(path);
        var layout = ImageGrid.Layout(Cells(), H, W, null, null, Scale);
        Assert.Equal((layout.Width, layout.Height), (bitmap.Width, bitmap.Height));
        Assert.Equal((2 + 3 * (W * Scale + 2), 2 + 2 * (H * Scale + 2)), (bitmap.Width, bitmap.Height));
        AssertBlock(bitmap, layout, 0, 0, 128);
        AssertBlock(bitmap, layout, 0, 1, 255);
        AssertBlock(bitmap, layout, 0, 2, 0);
        AssertBlock(bitmap, layout, 1, 0, 0);
        AssertBlock(bitmap, layout, 1, 1, 255);
        AssertBlock(bitmap, layout, 1, 2, 0);
    }

    [Fact]
    public void Separators_between_and_around_cells_are_white()
    {
        using var folder = new TempFolder();
        string path = folder.File("grid.png");

        ImageGrid.Save(path, Cells(), H, W, scale: Scale);

        using var bitmap = Png.Decode(path);
        var layout = ImageGrid.Layout(Cells(), H, W, null, null, Scale);
        int betweenColumns = layout.CellLeft(1) - 1, betweenRows = layout.CellTop(1) - 1;
        for (int y = 0; y < bitmap.Height; y++) Assert.Equal(SKColors.White, bitmap.GetPixel(betweenColumns, y));
        for (int x = 0; x < bitmap.Width; x++) Assert.Equal(SKColors.White, bitmap.GetPixel(x, betweenRows));
        Assert.Equal(SKColors.White, bitmap.GetPixel(0, 0));
        Assert.Equal(SKColors.White, bitmap.GetPixel(bitmap.Width - 1, bitmap.Height - 1));
    }

    [Fact]
    public void Pixels_are_read_row_major_and_upscaled_into_blocks()
    {
        using var folder = new TempFolder();
        string path = folder.File("one.png");
        var image = new float[H * W];
        image[1 * W + 2] = 1f;

        ImageGrid.Save(path, [[image]], H, W, scale: 3);

        using var bitmap = Png.Decode(path);
        var layout = ImageGrid.Layout([[image]], H, W, null, null, 3);
        for (int y = 0; y < H * 3; y++)
            for (int x = 0; x < W * 3; x++)
            {
                bool lit = y / 3 == 1 && x / 3 == 2;
                Assert.Equal(lit ? SKColors.White : SKColors.Black, bitmap.GetPixel(layout.CellLeft(0) + x, layout.CellTop(0) + y));
            }
    }

    [Fact]
    public void Row_labels_and_column_captions_add_a_text_margin_and_keep_the_cells_intact()
    {
        using var folder = new TempFolder();
        string path = folder.File("gallery.png");
        string[] labels = ["original", "vaease"], captions = ["a", "b", "c"];

        ImageGrid.Save(path, Cells(), H, W, labels, captions, Scale);

        using var bitmap = Png.Decode(path);
        var layout = ImageGrid.Layout(Cells(), H, W, labels, captions, Scale);
        Assert.Equal((layout.Width, layout.Height), (bitmap.Width, bitmap.Height));
        Assert.True(layout.LabelWidth > 20 && layout.CaptionHeight > 10);
        Assert.True(Png.DarkPixels(bitmap, 0, layout.CellTop(0), layout.LabelWidth, layout.CellHeight) > 5, "no row label text");
        Assert.True(Png.DarkPixels(bitmap, layout.CellLeft(0), 0, layout.CellWidth, layout.CaptionHeight) > 0, "no caption text");
        AssertBlock(bitmap, layout, 0, 1, 255);
        AssertBlock(bitmap, layout, 1, 2, 0);
    }

    [Fact]
    public void Bad_grids_are_rejected_with_a_message_that_names_the_problem()
    {
        using var folder = new TempFolder();
        string path = folder.File("grid.png");
        float[] ok = Filled(0.5f), nan = Filled(0.5f);
        nan[5] = float.NaN;

        void Fails(string expected, Action save) => Assert.Contains(expected, Assert.Throws<ArgumentException>(save).Message);
        Fails("rows[1] has 1 images but rows[0] has 2", () => ImageGrid.Save(path, [[ok, ok], [ok]], H, W));
        Fails("row 0, column 1 has 11 pixels; expected 3x4 = 12", () => ImageGrid.Save(path, [[ok, new float[11]]], H, W));
        Fails("NaN at pixel (1, 1)", () => ImageGrid.Save(path, [[ok, nan]], H, W));
        Fails("rowLabels has 1 labels for 2 rows", () => ImageGrid.Save(path, [[ok], [ok]], H, W, rowLabels: ["x"]));
        Fails("columnCaptions has 2 captions for 1 columns", () => ImageGrid.Save(path, [[ok]], H, W, columnCaptions: ["x", "y"]));
        Fails("scale must be in", () => ImageGrid.Save(path, [[ok]], H, W, scale: 0));
        Fails("rows is empty", () => ImageGrid.Save(path, [], H, W));
        Fails(".png or .svg", () => ImageGrid.Save(folder.File("grid.bmp"), [[ok]], H, W));
        Assert.Empty(folder.Entries());
    }

    [Fact]
    public void A_grid_can_be_written_as_svg()
    {
        using var folder = new TempFolder();
        string path = folder.File("grid.svg");

        ImageGrid.Save(path, Cells(), H, W, ["a", "b"]);

        var svg = System.Xml.Linq.XDocument.Load(path).Root!;
        Assert.Equal(6, svg.Descendants().Count(e => e.Name.LocalName == "image"));
    }
}
