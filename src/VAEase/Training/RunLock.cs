using VAEase.IO;

namespace VAEase.Training;

/// <summary>One process's exclusive claim on a run folder while it trains there: DIR/.vaease.lock opened with
/// FileShare.None, which .NET backs with flock(2) on Unix. A second process (another training, a --resume of the
/// running one) is refused before it reads or writes anything in the folder, so two runs never delete each other's
/// checkpoints. The kernel drops the lock when its process dies, however it dies, so a lock file left by a killed
/// run is stale and the next claim simply takes it. Within one process claims nest (the CLI claims the folder, then
/// the trainer it calls): they share the lock, which goes with the last. Released, the lock file is removed, and so
/// is the folder if the claim created it and nothing else is in it.</summary>
public sealed class RunLock : IDisposable
{
    public const string FileName = ".vaease.lock";

    private static readonly Dictionary<string, Holder> Held = new(StringComparer.Ordinal);

    /// <summary>The open lock file of a folder and how many claims of this process share it.</summary>
    private sealed class Holder(string dir, FileStream stream, string? createdFrom)
    {
        public string Dir { get; } = dir;
        public FileStream Stream { get; } = stream;
        /// <summary>The outermost folder the claim created (to remove when empty), or null.</summary>
        public string? CreatedFrom { get; } = createdFrom;
        public int Claims { get; set; } = 1;
    }

    private readonly string key;
    private Holder? holder;

    private RunLock(string key, Holder holder)
    {
        this.key = key;
        this.holder = holder;
    }

    /// <summary>Claims <paramref name="dir"/> (created if missing) for this process, or throws a VAEaseException saying
    /// that another process is using it.</summary>
    public static RunLock Acquire(string dir)
    {
        string key = RealPath.Of(dir);
        lock (Held)
        {
            if (Held.TryGetValue(key, out Holder? shared))
            {
                shared.Claims++;
                return new RunLock(key, shared);
            }
            string? createdFrom = OutermostMissing(key);
            Directory.CreateDirectory(key);
            try
            {
                var stream = new FileStream(Path.Combine(key, FileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                var holder = new Holder(dir, stream, createdFrom);
                Held[key] = holder;
                return new RunLock(key, holder);
            }
            catch (IOException e) when (e is not (FileNotFoundException or DirectoryNotFoundException or PathTooLongException))
            {
                throw new VAEaseException($"{dir} is in use by another vaease process (it holds {Path.Combine(dir, FileName)}); " +
                                          "wait for that run to end or stop it, or use another folder", e);
            }
        }
    }

    /// <summary>The folder this claim is on, as the caller named it.</summary>
    public string Dir => holder?.Dir ?? throw new ObjectDisposedException(nameof(RunLock));

    public void Dispose()
    {
        lock (Held)
        {
            if (holder is null) return;
            Holder h = holder;
            holder = null;
            if (--h.Claims > 0) return;
            Held.Remove(key);
            // Unlinked while still held: a process that opens the path from now on gets a new file, and this one has
            // nothing left to do in the folder.
            TryDelete(() => File.Delete(Path.Combine(key, FileName)));
            h.Stream.Dispose();
            for (string? dir = key; h.CreatedFrom is not null && dir is not null && Directory.Exists(dir) && !Directory.EnumerateFileSystemEntries(dir).Any();
                 dir = dir == h.CreatedFrom ? null : Path.GetDirectoryName(dir))
            {
                string empty = dir;
                TryDelete(() => Directory.Delete(empty));
            }
        }
    }

    /// <summary>The outermost folder of <paramref name="dir"/>'s path that does not exist yet (creating dir creates it), or null.</summary>
    private static string? OutermostMissing(string dir)
    {
        string? missing = null;
        for (string? d = dir; d is not null && !Directory.Exists(d); d = Path.GetDirectoryName(d)) missing = d;
        return missing;
    }

    private static void TryDelete(Action delete)
    {
        try { delete(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // left for the next claim: a stale lock file is taken over, an empty folder is harmless
        }
    }
}
