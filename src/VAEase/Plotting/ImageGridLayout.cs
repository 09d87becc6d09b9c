namespace VAEase.Plotting;

/// <summary>Where an <see cref="ImageGrid"/> puts things, in pixels: an optional label column on the left,
/// an optional caption row on top, then Rows×Columns cells of CellWidth×CellHeight with white
/// separators of <see cref="Separator"/> pixels between and around them.</summary>
internal sealed record ImageGridLayout(int Rows, int Columns, int CellWidth, int CellHeight, int LabelWidth, int CaptionHeight)
{
    /// <summary>Width of the white lines between cells and around the grid, in pixels.</summary>
    public const int Separator = 2;

    /// <summary>Width of the whole image.</summary>
    public int Width => LabelWidth + Separator + Columns * (CellWidth + Separator);

    /// <summary>Height of the whole image.</summary>
    public int Height => CaptionHeight + Separator + Rows * (CellHeight + Separator);

    /// <summary>x of the first pixel column of cells in <paramref name="column"/>.</summary>
    public int CellLeft(int column) => LabelWidth + Separator + column * (CellWidth + Separator);

    /// <summary>y of the first pixel row of cells in <paramref name="row"/>.</summary>
    public int CellTop(int row) => CaptionHeight + Separator + row * (CellHeight + Separator);
}
