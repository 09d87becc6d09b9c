using System.Runtime.InteropServices;

namespace VAEase.Networks;

/// <summary>Keeps libtorch's convolutions off oneDNN (MKL-DNN) and NNPACK. In TorchSharp-cpu 0.107 (libtorch 2.10) on
/// this project's AVX-512 CPUs, oneDNN's convolution backward returns input gradients that differ between
/// identical calls and are sometimes NaN (tests/VAEase.Tests/Networks/ConvolutionBackendTests.cs shows it);
/// libtorch's own im2col + GEMM kernels are exact and repeatable. TorchSharp has no switch for this, so we
/// call at::Context::setUserEnabledMkldnn(false) on the global context, as PyTorch's
/// torch.backends.mkldnn.enabled = False does.</summary>
public static class ConvolutionBackend
{
    private static readonly Lazy<bool> Disabled = new(TryDisableOneDnn);

    /// <summary>Disables oneDNN once per process; true if libtorch accepted it (Linux/macOS builds of libtorch).</summary>
    public static bool EnsureOneDnnDisabled() => Disabled.Value;

    /// <summary>Sets libtorch's global oneDNN switch; exposed so a test can show the problem it avoids.</summary>
    public static void SetOneDnn(bool enabled) => SetUserEnabledMkldnn(GlobalContext(), enabled);

    private static bool TryDisableOneDnn()
    {
        if (OperatingSystem.IsWindows()) return false; // MSVC mangles the names differently
        try
        {
            _ = TorchSharp.torch.get_num_threads(); // loads libtorch through TorchSharp first
            SetOneDnn(false);
            // Without oneDNN libtorch tries NNPACK next, which fails on AVX-512-only CPUs with a warning per call.
            SetUserEnabledNNPACK(GlobalContext(), false);
            return true;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return false;
        }
    }

    [DllImport("libtorch_cpu", EntryPoint = "_ZN2at13globalContextEv")]
    private static extern IntPtr GlobalContext();

    [DllImport("libtorch_cpu", EntryPoint = "_ZN2at7Context20setUserEnabledNNPACKEb")]
    private static extern void SetUserEnabledNNPACK(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);

    [DllImport("libtorch_cpu", EntryPoint = "_ZN2at7Context20setUserEnabledMkldnnEb")]
    private static extern void SetUserEnabledMkldnn(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);
}
