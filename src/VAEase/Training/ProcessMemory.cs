namespace VAEase.Training;

/// <summary>The memory the process holds, from /proc/self/status (Linux).</summary>
public static class ProcessMemory
{
    /// <summary>Peak resident set size (VmHWM) in bytes, or 0 where there is no /proc.</summary>
    public static long PeakRssBytes() => Field("VmHWM:");

    /// <summary>Current resident set size (VmRSS) in bytes, or 0 where there is no /proc.</summary>
    public static long RssBytes() => Field("VmRSS:");

    private static long Field(string name)
    {
        const string path = "/proc/self/status";
        return File.Exists(path) ? ParseStatusField(File.ReadLines(path), name) : 0;
    }

    /// <summary>
    /// The value in bytes of a "Name: value kB" line of a /proc status file, or 0 if absent or unreadable.
    /// Linux writes "VmHWM:\t    2188 kB" but pads to 8 digits only, and other kernels (gVisor) pad
    /// differently, so the value is the first whitespace-separated token after the name.
    /// </summary>
    internal static long ParseStatusField(IEnumerable<string> lines, string name)
    {
        string? line = lines.FirstOrDefault(l => l.StartsWith(name, StringComparison.Ordinal));
        if (line is null) return 0;
        string[] parts = line[name.Length..].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return parts.Length > 0 && long.TryParse(parts[0], out long kb) ? kb * 1024 : 0;
    }
}
