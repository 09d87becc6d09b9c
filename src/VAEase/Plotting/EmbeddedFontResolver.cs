using ScottPlot;
using SkiaSharp;

namespace VAEase.Plotting;

/// <summary>Answers ScottPlot's font look-ups for <see cref="PlotFonts.Family"/> with the embedded faces,
/// and leaves every other family name to the next resolver.</summary>
internal sealed class EmbeddedFontResolver : IFontResolver
{
    public SKTypeface? CreateTypeface(string fontName, FontWeight weight, FontSlant slant, FontSpacing spacing) =>
        CreateTypeface(fontName, bold: weight >= FontWeight.SemiBold, italic: false);

    public SKTypeface? CreateTypeface(string fontName, bool bold, bool italic) =>
        fontName == PlotFonts.Family ? (bold ? PlotFonts.Bold : PlotFonts.Regular) : null;
}
