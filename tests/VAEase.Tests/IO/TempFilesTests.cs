using System.Diagnostics;
using VAEase.IO;
using VAEase.Tests.Plotting;

namespace VAEase.Tests.IO;

/// <summary>Only temp files of our naming whose writer is gone are stale: its PID names no process, or one that started
/// after the file was last written (a reused PID). A live writer's temp file, and files of other naming, stay.</summary>
public sealed class TempFilesTests
{
    private static string Temp(TempFolder folder, string target, int pid, DateTime? written = null)
    {
        string path = folder.File($".{target}.{pid}.tmp");
        File.WriteAllText(path, "partial");
        if (written is { } time) File.SetLastWriteTimeUtc(path, time);
        return path;
    }

    private static int DeadPid()
    {
        using var process = Process.Start("true")!;
        process.WaitForExit();
        return process.Id;
    }

    [Fact]
    public void A_temp_file_is_stale_when_its_process_is_gone_or_its_pid_was_reused_and_not_while_its_writer_lives()
    {
        using var folder = new TempFolder();
        Assert.True(TempFiles.IsStale(Temp(folder, "a.npy", DeadPid())));
        Assert.False(TempFiles.IsStale(Temp(folder, "b.npy", Environment.ProcessId)));
        Assert.False(TempFiles.IsStale(Temp(folder, "c.npy", 1))); // init started long before the file was written
        using var sleeper = Process.Start("sleep", "30")!;
        try
        {
            Assert.True(TempFiles.IsStale(Temp(folder, "d.npy", sleeper.Id, DateTime.UtcNow.AddHours(-1)))); // written before its "writer" started
            Assert.False(TempFiles.IsStale(Temp(folder, "e.npy", sleeper.Id)));
        }
        finally
        {
            sleeper.Kill();
        }
    }

    [Fact]
    public void A_write_removes_the_stale_temp_files_of_its_target_only()
    {
        using var folder = new TempFolder();
        int dead = DeadPid();
        string stale = Temp(folder, "codes.npy", dead), other = Temp(folder, "other.npy", dead), live = Temp(folder, "codes.npy", 1);
        File.WriteAllText(Path.Combine(folder.Path, ".codes.npy.tmp"), "not ours");

        AtomicFile.WriteAllText(Path.Combine(folder.Path, "codes.npy"), "new");

        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(other) && File.Exists(live) && File.Exists(Path.Combine(folder.Path, ".codes.npy.tmp")));
        Assert.Equal(1, TempFiles.RemoveStale(folder.Path));
        Assert.False(File.Exists(other));
    }
}
