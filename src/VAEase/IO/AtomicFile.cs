namespace VAEase.IO;

/// <summary>Writes files so that a reader never sees a half-written one: write a temp file in the
/// same folder, flush it, then rename it over the target. The temp file goes on failure; one left by a killed
/// writer of the same target goes at the next write (<see cref="TempFiles"/>).</summary>
public static class AtomicFile
{
    public static void WriteAllText(string path, string text) => Write(path, stream =>
    {
        using var writer = new StreamWriter(stream, leaveOpen: true);
        writer.Write(text);
    });

    public static void Write(string path, Action<Stream> write)
    {
        string full = Path.GetFullPath(path), tmp = TempFiles.For(full);
        TempFiles.RemoveStale(Path.GetDirectoryName(full)!, Path.GetFileName(full));
        try
        {
            using (var stream = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(tmp, full, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException && e.Message.Contains(tmp, StringComparison.Ordinal))
        {
            // The message names the temp file, which the user never asked for and which is gone by now.
            throw new VAEaseException(e.Message.Replace(tmp, path, StringComparison.Ordinal), e);
        }
        finally
        {
            if (File.Exists(tmp)) File.Delete(tmp);
        }
    }
}
