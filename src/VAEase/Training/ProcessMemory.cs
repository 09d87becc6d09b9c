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
        if (!File.Exists(path)) return 0;
        string? line = File.ReadLines(path).FirstOrDefault(l => l.StartsWith(name, StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
    }
}
