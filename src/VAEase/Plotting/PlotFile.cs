using SkiaSharp;
using VAEase.IO;

namespace VAEase.Plotting;

/// <summary>Renders a drawing into a .png or .svg file (chosen by the path's extension) and writes it atomically.</summary>
public static class PlotFile
{
    /// <summary>Default chart width in pixels.</summary>
    public const int DefaultWidth = 800;

    /// <summary>Default chart height in pixels.</summary>
    public const int DefaultHeight = 500;

    /// <summary>Largest width or height accepted, in pixels.</summary>
    public const int MaxSide = 16_384;

    /// <summary>Throws unless <paramref name="path"/> ends in .png or .svg (any case).</summary>
    public static void CheckPath(string path) => IsSvg(path);

    /// <summary>True for a .svg path, false for .png; throws for anything else.</summary>
    static bool IsSvg(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".png" => false,
            ".svg" => true,
            var ext => throw new ArgumentException(
                $"Cannot write plot '{path}': extension '{ext}' is not supported; use .png or .svg.", nameof(path)),
        };
    }

    /// <summary>Throws unless both sides are in 1..<see cref="MaxSide"/>.</summary>
    public static void CheckSize(int width, int height)
    {
        if (width is < 1 or > MaxSide) throw new ArgumentException($"width must be in 1..{MaxSide}, got {width}.", nameof(width));
        if (height is < 1 or > MaxSide) throw new ArgumentException($"height must be in 1..{MaxSide}, got {height}.", nameof(height));
    }

    /// <summary>Draws on a white width×height canvas and writes the result to <paramref name="path"/>.</summary>
    public static void Write(string path, int width, int height, Action<SKCanvas> draw)
    {
        bool svg = IsSvg(path);
        CheckSize(width, height);
        byte[] bytes = svg ? RenderSvg(width, height, draw) : RenderPng(width, height, draw);
        AtomicFile.Write(path, stream => stream.Write(bytes));
    }

    static byte[] RenderPng(int width, int height, Action<SKCanvas> draw)
    {
        using var surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul))
            ?? throw new InvalidOperationException($"Skia could not create a {width}x{height} surface.");
        surface.Canvas.Clear(SKColors.White);
        draw(surface.Canvas);
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    static byte[] RenderSvg(int width, int height, Action<SKCanvas> draw)
    {
        using var memory = new MemoryStream();
        using (var skStream = new SKManagedWStream(memory))
        using (var canvas = SKSvgCanvas.Create(SKRect.Create(width, height), skStream))
        {
            canvas.Clear(SKColors.White);
            draw(canvas);
        }
        return memory.ToArray();
    }
}
