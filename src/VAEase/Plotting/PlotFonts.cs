using System.Reflection;
using ScottPlot;
using SkiaSharp;

namespace VAEase.Plotting;

/// <summary>The typefaces every plot draws text with: DejaVu Sans subsets embedded in this assembly
/// (see Fonts/README.md), so text renders the same everywhere, even where no font is installed.</summary>
internal static class PlotFonts
{
    /// <summary>The family name under which the embedded faces are offered to ScottPlot.</summary>
    public const string Family = "VAEase Sans";

    static readonly Lazy<SKTypeface> regular = new(() => Load("DejaVuSans.ttf"));
    static readonly Lazy<SKTypeface> bold = new(() => Load("DejaVuSans-Bold.ttf"));
    static readonly Lazy<bool> registered = new(() =>
    {
        Fonts.FontResolvers.Insert(0, new EmbeddedFontResolver());
        return true;
    });

    /// <summary>The regular face.</summary>
    public static SKTypeface Regular => regular.Value;

    /// <summary>The bold face.</summary>
    public static SKTypeface Bold => bold.Value;

    /// <summary>Makes every text of <paramref name="plot"/> (title, axes, ticks, legend) use <see cref="Family"/>.</summary>
    public static void Apply(Plot plot)
    {
        _ = registered.Value;
        plot.Font.Set(Family);
        plot.Legend.SetBestFontOnEachRender = false;
        plot.Legend.FontName = Family;
    }

    static SKTypeface Load(string file)
    {
        string name = $"VAEase.Plotting.Fonts.{file}";
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"Embedded font '{name}' is missing from the VAEase assembly.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        using var data = SKData.CreateCopy(copy.ToArray());
        return SKTypeface.FromData(data)
            ?? throw new InvalidOperationException($"Embedded font '{name}' could not be loaded by Skia.");
    }
}
