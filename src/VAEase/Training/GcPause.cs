using System.Runtime;

namespace VAEase.Training;

/// <summary>Keeps the .NET garbage collector from running while a training step is inside libtorch.
/// TorchSharp makes temporary <c>Scalar</c> objects inside many calls (<c>a + b</c> passes alpha = 1,
/// <c>square()</c> an exponent of 2) and hands libtorch their native pointer; the managed object is then
/// unreachable, and a collection that another thread starts during the native call can run its finalizer and
/// free the scalar while libtorch reads it. Seen as "Unknown scalar type" from <c>pow</c> after 130 epochs of a
/// Table 2 run, and as "Scalar.h:140" in Adam's step.
/// <para>The cure: a no-GC region of <see cref="Budget"/> bytes, entered before a step and left running across
/// steps. No collection happens until the training thread itself has allocated the budget (a few thousand
/// steps); that collection then runs inside a managed allocation of the training thread, when no TorchSharp
/// call of it is under way, and so frees only scalars whose calls have returned. The next step enters a new
/// region. Entering one per step instead costs a collection per step (+11% CPU on the linear config).</para></summary>
public static class GcPause
{
    /// <summary>Managed bytes between collections during training.</summary>
    public const long Budget = 16L << 20;

    /// <summary>Whether the collector is paused now.</summary>
    public static bool Active => GCSettings.LatencyMode == GCLatencyMode.NoGCRegion;

    /// <summary>Call before each step: enters a region unless one is running. Without the budget available
    /// short of a full blocking collection, it does nothing (and the next step tries again).</summary>
    public static void Ensure()
    {
        lock (Gate)
        {
            if (Active) return;
            // The region is process-wide: another thread's training (two in one process, as in parallel tests) may have
            // entered it between the check and here, which the runtime reports as an InvalidOperationException.
            try { GC.TryStartNoGCRegion(Budget, disallowFullBlockingGC: true); }
            catch (InvalidOperationException) { }
        }
    }

    private static readonly object Gate = new();

    /// <summary>A scope for a training loop that calls <see cref="Ensure"/> per step: disposing it releases the region.</summary>
    public static Scope Hold() => new();

    /// <summary>Releases the region when disposed.</summary>
    public readonly struct Scope : IDisposable
    {
        public void Dispose() => Release();
    }

    /// <summary>Call when training ends: leaves the region, so the rest of the process collects as usual.</summary>
    public static void Release()
    {
        // The region has already ended if the budget ran out or something called GC.Collect.
        lock (Gate)
        {
            if (!Active) return;
            try { GC.EndNoGCRegion(); }
            catch (InvalidOperationException) { }
        }
    }
}
