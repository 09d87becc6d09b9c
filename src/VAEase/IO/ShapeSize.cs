namespace VAEase.IO;

/// <summary>Sizes that file headers declare, computed without overflow: a hostile shape such as
/// [2^62, 4] must not wrap around to a small byte count that then passes the checks against the file.</summary>
public static class ShapeSize
{
    /// <summary>Bytes of an array of <paramref name="shape"/> with <paramref name="width"/>-byte elements; null if a
    /// dimension is negative or the count (or a partial product of it) exceeds <see cref="long.MaxValue"/>.</summary>
    public static long? Bytes(IReadOnlyList<long> shape, int width)
    {
        long total = width;
        foreach (long n in shape)
        {
            if (n < 0 || (n != 0 && total > long.MaxValue / n)) return null;
            total *= n;
        }
        return total;
    }

    /// <summary>Rows of several row blocks together; null if the sum exceeds <see cref="long.MaxValue"/>.</summary>
    public static long? Sum(IEnumerable<long> counts)
    {
        long total = 0;
        foreach (long n in counts)
        {
            if (n < 0 || total > long.MaxValue - n) return null;
            total += n;
        }
        return total;
    }
}
