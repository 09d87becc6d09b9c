using System.Reflection;
using System.Runtime.InteropServices;

namespace VAEase.Training;

/// <summary>The versions every result file records.</summary>
public static class Versions
{
    public static IReadOnlyDictionary<string, string> All => new SortedDictionary<string, string>
    {
        ["vaease"] = typeof(Versions).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown",
        ["torchsharp"] = typeof(TorchSharp.torch).Assembly.GetName().Version?.ToString() ?? "unknown",
        ["libtorch"] = "2.10.0",
        ["dotnet"] = RuntimeInformation.FrameworkDescription,
        ["os"] = RuntimeInformation.OSDescription,
        ["threads"] = TorchSharp.torch.get_num_threads().ToString(),
        ["conv_backend"] = Networks.ConvolutionBackend.Current,
    };
}
