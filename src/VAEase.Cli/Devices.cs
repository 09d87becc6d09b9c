using static TorchSharp.torch;

namespace VAEase.Cli;

/// <summary>The --device and --threads options.</summary>
public static class Devices
{
    public static Device Setup(string name, int? threads)
    {
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
