using VAEase.Training;
using static TorchSharp.torch;

namespace VAEase.Cli;

/// <summary>The --device and --threads options, and the thread policy when --threads is not given.</summary>
public static class Devices
{
    private static readonly int LibtorchDefaultThreads = get_num_threads();
    private static int? requestedThreads;

    /// <summary>Threads for training this run: --threads if given, else 1 for a small step (see
    /// StepCost.SingleThreadBelowFlops), else libtorch's default.</summary>
    public static void UseThreadsFor(RunConfig run) =>
        set_num_threads(requestedThreads ?? StepCost.PreferredThreads(run.Model, run.Training.BatchSize) ?? LibtorchDefaultThreads);

    public static Device Setup(string name, int? threads)
    {
        requestedThreads = threads;
        if (threads is { } t)
        {
            if (t < 1) throw new VAEaseException($"--threads must be >= 1, got {t}");
            set_num_threads(t);
        }
        if (name == "cpu") return CPU;
        if (name.StartsWith("cuda", StringComparison.Ordinal))
        {
            if (!cuda.is_available()) throw new VAEaseException($"--device {name}: CUDA is not available (this build uses TorchSharp-cpu; install the CUDA package)");
            return device(name);
        }
        throw new VAEaseException($"unknown device '{name}' (expected cpu, cuda or cuda:N)");
    }
}
