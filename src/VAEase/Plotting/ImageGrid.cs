using SkiaSharp;

namespace VAEase.Plotting;

/// <summary>A grid of grayscale images, e.g. a reconstruction gallery (one row per model under an
/// "original" row) or a grid of generated samples, with optional row labels and column captions.</summary>
public static class ImageGrid
{
    /// <summary>Size of the label and caption text, in pixels.</summary>
    const float FontSize = 13;

    /// <summary>Space around label and caption text, in pixels.</summary>
    const int TextPad = 6;

    /// <summary>Writes the grid to <paramref name="path"/> (.png or .svg). <paramref name="rows"/>[r][c] is the
    /// image in row r, column c: <paramref name="imageHeight"/>×<paramref name="imageWidth"/> pixels, row-major,
    /// 0 = black, 1 = white (values outside [0, 1] are clamped, NaN throws). Every row has the same number of
    /// images; each pixel becomes a <paramref name="scale"/>×<paramref name="scale"/> block.</summary>
    public static void Save(string path, IReadOnlyList<IReadOnlyList<float[]>> rows, int imageHeight, int imageWidth,
        IReadOnlyList<string>? rowLabels = null, IReadOnlyList<string>? columnCaptions = null, int scale = 2)
    {
        PlotFile.CheckPath(path);
        var layout = Layout(rows, imageHeight, imageWidth, rowLabels, columnCaptions, scale);
        var cells = rows.Select((row, r) => row.Select((image, c) => Upscale(image, r, c, imageHeight, imageWidth, scale)).ToArray()).ToArray();
        PlotFile.Write(path, layout.Width, layout.Height, canvas => Draw(canvas, layout, cells, rowLabels, columnCaptions));
    }

    /// <summary>Checks the inputs and sizes the grid.</summary>
    internal static ImageGridLayout Layout(IReadOnlyList<IReadOnlyList<float[]>> rows, int imageHeight, int imageWidth,
        IReadOnlyList<string>? rowLabels, IReadOnlyList<string>? columnCaptions, int scale)
    {
        ChartStyle.CheckNotEmpty(rows, nameof(rows));
        if (imageHeight < 1) throw new ArgumentException($"imageHeight must be positive, got {imageHeight}.", nameof(imageHeight));
        if (imageWidth < 1) throw new ArgumentException($"imageWidth must be positive, got {imageWidth}.", nameof(imageWidth));
        if (scale is < 1 or > 32) throw new ArgumentException($"scale must be in 1..32, got {scale}.", nameof(scale));
        int columns = rows[0].Count;
        if (columns == 0) throw new ArgumentException("rows[0] has no images: nothing to draw.", nameof(rows));
        for (int r = 0; r < rows.Count; r++)
        {
            if (rows[r].Count != columns)
                throw new ArgumentException($"rows[{r}] has {rows[r].Count} images but rows[0] has {columns}; every row needs the same count.", nameof(rows));
            for (int c = 0; c < columns; c++)
                if (rows[r][c]?.Length != imageHeight * imageWidth)
                    throw new ArgumentException(
                        $"Image at row {r}, column {c} has {rows[r][c]?.Length.ToString() ?? "no"} pixels; expected {imageHeight}x{imageWidth} = {imageHeight * imageWidth}.", nameof(rows));
        }
        if (rowLabels is not null && rowLabels.Count != rows.Count)
            throw new ArgumentException($"rowLabels has {rowLabels.Count} labels for {rows.Count} rows.", nameof(rowLabels));
        if (columnCaptions is not null && columnCaptions.Count != columns)
            throw new ArgumentException($"columnCaptions has {columnCaptions.Count} captions for {columns} columns.", nameof(columnCaptions));

        using var font = new SKFont(PlotFonts.Regular, FontSize);
        int labelWidth = rowLabels is null ? 0 : (int)Math.Ceiling(rowLabels.Max(l => font.MeasureText(l ?? ""))) + 2 * TextPad;
        int captionHeight = columnCaptions is null ? 0 : (int)Math.Ceiling(FontSize) + TextPad;
        var layout = new ImageGridLayout(rows.Count, columns, imageWidth * scale, imageHeight * scale, labelWidth, captionHeight);
        PlotFile.CheckSize(layout.Width, layout.Height);
        return layout;
    }

    /// <summary>The image as 8-bit gray, each pixel repeated into a scale×scale block.</summary>
    static byte[] Upscale(float[] image, int row, int column, int height, int width, int scale)
    {
        var gray = new byte[height * scale * width * scale];
        for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
        {
            float v = image[y * width + x];
            if (float.IsNaN(v))
                throw new ArgumentException($"Image at row {row}, column {column} has NaN at pixel ({y}, {x}).", "rows");
            byte level = (byte)MathF.Round(Math.Clamp(v, 0f, 1f) * 255f);
            for (int dy = 0; dy < scale; dy++)
                Array.Fill(gray, level, ((y * scale + dy) * width + x) * scale, scale);
        }
        return gray;
    }

    static void Draw(SKCanvas canvas, ImageGridLayout layout, byte[][][] cells, IReadOnlyList<string>? rowLabels, IReadOnlyList<string>? columnCaptions)
    {
        var info = new SKImageInfo(layout.CellWidth, layout.CellHeight, SKColorType.Gray8, SKAlphaType.Opaque);
        for (int r = 0; r < layout.Rows; r++)
        for (int c = 0; c < layout.Columns; c++)
        {
            using var image = SKImage.FromPixelCopy(info, cells[r][c]);
            canvas.DrawImage(image, layout.CellLeft(c), layout.CellTop(r));
        }

        using var paint = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        using var font = new SKFont(PlotFonts.Regular, FontSize);
        if (rowLabels is not null)
            for (int r = 0; r < layout.Rows; r++)
                canvas.DrawText(rowLabels[r] ?? "", TextPad, layout.CellTop(r) + (layout.CellHeight + FontSize) / 2 - 2, SKTextAlign.Left, font, paint);
        if (columnCaptions is not null)
        {
            float widest = columnCaptions.Max(t => font.MeasureText(t ?? ""));
            using var captionFont = new SKFont(PlotFonts.Regular, widest > layout.CellWidth ? Math.Max(7, FontSize * layout.CellWidth / widest) : FontSize);
            for (int c = 0; c < layout.Columns; c++)
                canvas.DrawText(columnCaptions[c] ?? "", layout.CellLeft(c) + layout.CellWidth / 2f, layout.CaptionHeight - TextPad / 2f, SKTextAlign.Center, captionFont, paint);
        }
    }
}
