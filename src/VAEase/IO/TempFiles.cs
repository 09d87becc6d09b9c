using System.Diagnostics;
using System.Text.RegularExpressions;

namespace VAEase.IO;

/// <summary>Our temp files: ".NAME.PID.tmp" beside the file NAME they become (<see cref="AtomicFile"/>), or a staging
/// folder of that name. A process killed while writing (kill -9, the OOM killer, a power cut) leaves its temp file
/// behind, possibly hundreds of MB; the next write of the same target removes it, as a run removes those in its
/// folder. Only files of this naming whose process is gone are stale: the PID names no live process, or one that
/// started after the file was last written (the PID was reused).</summary>
public static partial class TempFiles
{
    /// <summary>This process's temp path for <paramref name="target"/> (in the same folder, so that a rename replaces the target).</summary>
    public static string For(string target)
    {
        string full = Path.GetFullPath(target);
        return Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Environment.ProcessId}.tmp");
    }

    /// <summary>Whether a file name is of our temp naming: the name of the target it belongs to, and the writer's PID.</summary>
    public static bool IsTemp(string fileName, out string target, out int pid)
    {
        Match m = Naming().Match(fileName);
        target = m.Success ? m.Groups[1].Value : "";
        pid = 0;
        return m.Success && int.TryParse(m.Groups[2].ValueSpan, out pid);
    }

    /// <summary>Whether the temp file or folder at <paramref name="path"/> was left by a process that is gone.</summary>
    public static bool IsStale(string path)
    {
        if (!IsTemp(Path.GetFileName(path), out _, out int pid) || pid == Environment.ProcessId) return false;
        DateTime written = File.GetLastWriteTimeUtc(path);
        try
        {
            using var process = Process.GetProcessById(pid);
            // A process that started after the file's last write cannot have written it: the PID was reused.
            return process.HasExited || process.StartTime.ToUniversalTime() > written.AddSeconds(1);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return true; // no such process
        }
    }

    /// <summary>Removes the stale temp files and folders in <paramref name="folder"/>: those of <paramref name="target"/>
    /// (a file name), or with no target, all of ours. Returns how many went; one that cannot be removed is left.</summary>
    public static int RemoveStale(string folder, string? target = null)
    {
        if (!Directory.Exists(folder)) return 0;
        int removed = 0;
        foreach (string path in Directory.EnumerateFileSystemEntries(folder, ".*.tmp"))
        {
            if (!IsTemp(Path.GetFileName(path), out string of, out _) || (target is not null && of != target) || !IsStale(path)) continue;
            try
            {
                if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
                else File.Delete(path);
                removed++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // someone else's, or on a read-only disk: leave it
            }
        }
        return removed;
    }

    [GeneratedRegex(@"^\.(.+)\.(\d{1,10})\.tmp$")]
    private static partial Regex Naming();
}
