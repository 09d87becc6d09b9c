using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace VAEase.Networks;

/// <summary>Chooses, once per process, which kernels libtorch's float32 convolutions run on: oneDNN (libtorch's
/// default, ~1.5x faster for our conv step) or libtorch's native im2col + GEMM kernels. On some of this project's
/// AVX-512 machines oneDNN's convolution backward in TorchSharp-cpu 0.107 (libtorch 2.10) returned gradients that
/// differed between identical calls and were sometimes NaN (docs/findings.md §5); on others it is exact. So before
/// the first conv network trains, <see cref="OneDnnAgrees"/> checks oneDNN's gradients of every kind of conv layer
/// the networks have, each computed three times, against libtorch's native kernels in float64 (oneDNN has no
/// float64 convolution, so no global switch is flipped to get them), and oneDNN stays on only if every one agrees.
/// The environment variable <see cref="OverrideVariable"/> (auto | onednn | native) overrides the check.</summary>
public static class ConvolutionBackend
{
    /// <summary>auto (the default: check), onednn or native.</summary>
    public const string OverrideVariable = "VAEASE_CONV_BACKEND";

    private static readonly Lazy<string> Selected = new(Select);

    /// <summary>Chooses the backend on the first call and returns it: "onednn" or "native" ("libtorch default"
    /// where libtorch's switch cannot be reached: Windows builds mangle its name differently).</summary>
    public static string Ensure() => Selected.Value;

    /// <summary>The backend chosen so far, without choosing (for result files): "libtorch default" until a conv
    /// network has been built.</summary>
    public static string Current => Selected.IsValueCreated ? Selected.Value : "libtorch default";

    /// <summary>Sets libtorch's global oneDNN switch (at::Context::setUserEnabledMkldnn, what PyTorch's
    /// torch.backends.mkldnn.enabled sets).</summary>
    public static void SetOneDnn(bool enabled) => SetUserEnabledMkldnn(GlobalContext(), enabled);

    private static string Select()
    {
        string mode = Environment.GetEnvironmentVariable(OverrideVariable) is { Length: > 0 } value ? value : "auto";
        if (mode is not ("auto" or "onednn" or "native"))
            throw new VAEaseException($"{OverrideVariable} must be auto, onednn or native, not '{mode}'");
        if (OperatingSystem.IsWindows()) return "libtorch default";
        try
        {
            _ = get_num_threads(); // loads libtorch through TorchSharp first
            bool oneDnn = mode == "onednn" || (mode == "auto" && OneDnnAgrees());
            SetOneDnn(oneDnn);
            // Without oneDNN libtorch tries NNPACK next, which fails on AVX-512-only CPUs with a warning per call.
            SetUserEnabledNNPACK(GlobalContext(), false);
            return oneDnn ? "onednn" : "native";
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return "libtorch default";
        }
    }

    /// <summary>A conv layer of the networks to check: channels, kernel side, stride and image side, at a batch of 16.</summary>
    internal sealed record Probe(int In, int Out, int Kernel, int Stride, int Side);

    /// <summary>Every kind of conv layer in <see cref="ConvEncoder"/>, <see cref="DownBlock"/>, <see cref="UpBlock"/>
    /// (its sub-pixel conv is a 3x3 conv to 4x the channels) and <see cref="ConvDecoder"/>, and the layers of
    /// findings §5 that failed.</summary>
    internal static readonly Probe[] Probes =
    [
        new(1, 16, 3, 1, 28), new(16, 16, 3, 2, 28), new(16, 16, 1, 2, 28), new(16, 16, 3, 1, 14), new(16, 32, 3, 2, 14),
        new(16, 32, 1, 2, 14), new(32, 32, 3, 1, 7), new(16, 64, 3, 1, 7), new(16, 64, 3, 1, 14), new(16, 16, 3, 1, 28),
        new(16, 1, 3, 1, 28), new(16, 4, 3, 1, 8), new(16, 2, 3, 1, 28),
    ];

    /// <summary>Whether libtorch's float32 convolutions (oneDNN, with libtorch's default settings) give the native
    /// float64 gradients on every probe, three calls each, identical between calls.</summary>
    internal static bool OneDnnAgrees() => Agrees(probe => Gradients(probe, ScalarType.Float32));

    /// <summary>Whether <paramref name="candidate"/> (input, weight and bias gradients of a probe) is finite, the
    /// same on 3 calls, and within 1e-4 of the largest entry of libtorch's native float64 gradients. The candidate
    /// runs first: the failures of findings §5 came on the first calls.</summary>
    internal static bool Agrees(Func<Probe, Tensor[]> candidate)
    {
        using var scope = NewDisposeScope();
        foreach (Probe probe in Probes)
        {
            Tensor[][] calls = Enumerable.Range(0, 3).Select(_ => candidate(probe)).ToArray();
            Tensor[] expected = Gradients(probe, ScalarType.Float64);
            for (int i = 0; i < expected.Length; i++)
            {
                // The first call must be finite and close; the others must equal it (so they are too).
                Tensor first = calls[0][i].to(ScalarType.Float64);
                if (!first.isfinite().all().item<bool>()) return false;
                if ((first - expected[i]).abs().max().item<double>() > 1e-4 * expected[i].abs().max().item<double>()) return false;
                if (calls.Skip(1).Any(call => !call[i].to(ScalarType.Float64).eq(first).all().item<bool>())) return false;
            }
        }
        return true;
    }

    /// <summary>dL/dx, dL/dw, dL/db of L = sum(upstream * conv2d(x, w, b)) for the probe's fixed data, in dtype.</summary>
    internal static Tensor[] Gradients(Probe probe, ScalarType dtype)
    {
        var generator = new Generator(11);
        int outSide = (probe.Side + 2 * (probe.Kernel / 2) - probe.Kernel) / probe.Stride + 1;
        Tensor Draw(params long[] shape) => randn(shape, dtype: ScalarType.Float64, generator: generator).to(dtype).requires_grad_();
        Tensor x = Draw(16, probe.In, probe.Side, probe.Side), w = Draw(probe.Out, probe.In, probe.Kernel, probe.Kernel), b = Draw(probe.Out);
        Tensor upstream = randn(new long[] { 16, probe.Out, outSide, outSide }, dtype: ScalarType.Float64, generator: generator).to(dtype);
        Tensor y = nn.functional.conv2d(x, w, b, strides: new long[] { probe.Stride, probe.Stride }, padding: new long[] { probe.Kernel / 2, probe.Kernel / 2 });
        return autograd.grad(new[] { (y * upstream).sum() }, new[] { x, w, b }).ToArray();
    }

    [DllImport("libtorch_cpu", EntryPoint = "_ZN2at13globalContextEv")]
    private static extern IntPtr GlobalContext();

    [DllImport("libtorch_cpu", EntryPoint = "_ZN2at7Context20setUserEnabledNNPACKEb")]
    private static extern void SetUserEnabledNNPACK(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);

    [DllImport("libtorch_cpu", EntryPoint = "_ZN2at7Context20setUserEnabledMkldnnEb")]
    private static extern void SetUserEnabledMkldnn(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);
}
