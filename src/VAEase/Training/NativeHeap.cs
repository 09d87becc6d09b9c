using System.Runtime.InteropServices;

namespace VAEase.Training;

/// <summary>Keeps freed native memory in the process for reuse. By default glibc serves every large block
/// (a batch's activations: 2048 x 16 x 28 x 28 floats = 103 MB) with a fresh mmap and returns it on free,
/// so every tensor op pays the page faults of its output again; on our 2-core VMs that made a new 103 MB
/// tensor cost ~260 ms instead of ~4 ms (docs/performance.md). With mmap off, trimming rare and one arena
/// (libtorch's worker threads would otherwise allocate from per-thread arenas, which are mmapped 64 MB heaps
/// too small for such blocks), freed blocks stay in the heap and the next step reuses them. Threads that have
/// already allocated keep their arena, so call this before the first tensor. The heap then holds the training peak for the process's
/// lifetime, which is what a training process wants anyway.</summary>
public static class NativeHeap
{
    private const int M_TRIM_THRESHOLD = -1;
    private const int M_TOP_PAD = -2;
    private const int M_MMAP_MAX = -4;
    private const int M_ARENA_MAX = -8;
    private static readonly Lazy<bool> Applied = new(Apply);

    /// <summary>The same settings as environment variables for a child process (what the `vaease` launcher exports).</summary>
    public static IReadOnlyDictionary<string, string> Environment { get; } = new Dictionary<string, string>
    {
        ["MALLOC_ARENA_MAX"] = "1", ["MALLOC_MMAP_MAX_"] = "0", ["MALLOC_TRIM_THRESHOLD_"] = "2147483647",
        ["MALLOC_TOP_PAD_"] = "67108864", ["THP_MEM_ALLOC_ENABLE"] = "1",
    };

    /// <summary>Applies the setting once per process; true on glibc (Linux), false where there is no mallopt.</summary>
    public static bool KeepFreedPages() => Applied.Value;

    private static bool Apply()
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            return mallopt(M_ARENA_MAX, 1) == 1
                   & mallopt(M_MMAP_MAX, 0) == 1
                   & mallopt(M_TRIM_THRESHOLD, int.MaxValue) == 1
                   & mallopt(M_TOP_PAD, 64 << 20) == 1;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return false; // a libc without mallopt (musl)
        }
    }

    [DllImport("libc.so.6", EntryPoint = "mallopt")]
    private static extern int mallopt(int param, int value);
}
