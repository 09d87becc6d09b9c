using System.Globalization;

namespace VAEase.IO;

/// <summary>Sizes users cannot have, refused before anything is allocated or written: a request whose memory (or disk)
/// need exceeds what the machine can give now ends in one clear error naming what asked for it, instead of libtorch's
/// allocation failure, a negative dimension, or a disk filled to the last byte. Needs are computed in double, so
/// that no product of hostile sizes can wrap around.</summary>
public static class MemoryBudget
{
    /// <summary>Bytes the process can still get: /proc/meminfo's MemAvailable plus SwapFree (what the kernel can hand out
    /// without killing anything), capped by the runtime's limit (a container's memory limit); where there is no
    /// /proc, that limit alone.</summary>
    public static long AvailableBytes()
    {
        long limit = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        const string path = "/proc/meminfo";
        if (!File.Exists(path)) return limit;
        string[] lines = File.ReadAllLines(path);
        long available = Training.ProcessMemory.ParseStatusField(lines, "MemAvailable:") + Training.ProcessMemory.ParseStatusField(lines, "SwapFree:");
        return available > 0 ? Math.Min(available, limit) : limit;
    }

    /// <summary>Throws when <paramref name="bytes"/> of memory are more than <see cref="AvailableBytes"/>: "WHAT needs
    /// about N of memory, M are available (HINT)".</summary>
    /// <param name="bytes">The need (a lower bound is enough: the check is there to refuse what cannot work).</param>
    /// <param name="what">What needs it, naming the option or file that set the size (e.g. "--latent 2000000000 (d = 8)").</param>
    /// <param name="hint">What the user can do instead, or null.</param>
    public static void Require(double bytes, string what, string? hint = null)
    {
        long available = AvailableBytes();
        if (bytes <= available) return;
        throw new VAEaseException($"{what} needs about {Text(bytes)} of memory, {Text(available)} are available{(hint is null ? "" : $" ({hint})")}");
    }

    /// <summary>Throws when a file of <paramref name="bytes"/> cannot fit in the free space of the file system of
    /// <paramref name="folder"/>, before a byte of it is written.</summary>
    public static void RequireDisk(double bytes, string folder, string what)
    {
        long free;
        try { free = new DriveInfo(Path.GetFullPath(folder)).AvailableFreeSpace; }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException) { return; } // no answer: the write itself will say
        if (bytes > free) throw new VAEaseException($"{what} needs about {Text(bytes)} of disk, {Text(free)} are free in {folder}");
    }

    /// <summary>A byte count for people: "512 B", "20.0 TB" (decimal units, as df and the kernel's meminfo readers print).</summary>
    public static string Text(double bytes)
    {
        string[] units = ["B", "kB", "MB", "GB", "TB", "PB", "EB"];
        int unit = 0;
        while (bytes >= 1000 && unit < units.Length - 1)
        {
            bytes /= 1000;
            unit++;
        }
        return unit == 0 ? $"{bytes:F0} B" : string.Create(CultureInfo.InvariantCulture, $"{bytes:F1} {units[unit]}");
    }
}
