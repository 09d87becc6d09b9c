using SkiaSharp;

namespace VAEase.Tests.Plotting;

/// <summary>Reads back a written PNG after checking its signature.</summary>
static class Png
{
    static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    public static SKBitmap Decode(string path)
    {
        Assert.True(File.Exists(path), $"{path} was not written");
        byte[] bytes = File.ReadAllBytes(path);
        Assert.Equal(Signature, bytes.Take(Signature.Length).ToArray());
        return SKBitmap.Decode(bytes) ?? throw new Xunit.Sdk.XunitException($"{path} does not decode as an image");
    }

    /// <summary>How many pixels in the rectangle are clearly darker than the white background.</summary>
    public static int DarkPixels(SKBitmap bitmap, int left, int top, int width, int height)
    {
        int dark = 0;
        for (int y = top; y < top + height; y++)
            for (int x = left; x < left + width; x++)
            {
                var c = bitmap.GetPixel(x, y);
                if (c.Red + c.Green + c.Blue < 3 * 160) dark++;
            }
        return dark;
    }
}
