using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace VAEase.Networks;

/// <summary>ConvTranspose2d(in, out, 4, stride 2, padding 1), [n, in, h, w] -> [n, out, 2h, 2w], computed as a
/// sub-pixel convolution: a 3x3 conv (padding 1) of the un-upsampled input to 4 x out channels, then
/// pixel_shuffle(2). Same parameters as the transposed conv — <c>weight</c> [in, out, 4, 4] and <c>bias</c> [out],
/// initialised by it — so checkpoints, parameter counts and the model's math stay those of the transposed conv;
/// only the kernels differ. Why: on libtorch's native kernels (<see cref="ConvolutionBackend"/>) the transposed conv
/// backward is its slowest convolution; the plain conv at the lower resolution does the same work much faster
/// (docs/performance.md, "(c) conv-mnist").</summary>
/// <remarks>Output pixel (2m + ry, 2n + rx) of the transposed conv reads input rows m - 1, m (ry = 0; taps ky 3, 1)
/// or m, m + 1 (ry = 1; taps ky 2, 0), and the same for columns: each of the 4 parity classes (ry, rx) is a 3x3 conv
/// whose window holds a flipped 2x2 sub-kernel of the 4x4 kernel and zeros elsewhere. <see cref="Kernel"/> gathers
/// those windows from the 4x4 weight by a fixed index, so the gradient flows back into the 4x4 weight.</remarks>
public sealed class SubPixelConvTranspose : Module<Tensor, Tensor>
{
    /// <summary>The 4x4 tap (ky * 4 + kx) each 3x3 window position reads, per parity class, in the order
    /// [ry, rx, dy, dx]; <see cref="ZeroTap"/> where the window position is outside the class's 2x2 sub-kernel.</summary>
    private static readonly long[] TapIndex = BuildTapIndex();

    /// <summary>Index of the zero appended to the 16 taps of the flattened 4x4 kernel.</summary>
    private const int ZeroTap = 16;

    private readonly Parameter weight;
    private readonly Parameter bias;

    public SubPixelConvTranspose(int inChannels, int outChannels) : base(nameof(SubPixelConvTranspose))
    {
        // The transposed conv's own initialisation, drawn in the same order from the generator as before.
        using (ConvTranspose2d init = ConvTranspose2d(inChannels, outChannels, 4, stride: 2, padding: 1))
        {
            weight = Parameter(init.weight!.detach().clone());
            bias = Parameter(init.bias!.detach().clone());
        }
        RegisterComponents();
    }

    /// <summary>The 3x3 conv's kernel [4 * out, in, 3, 3] of the current 4x4 weight: output channel o * 4 + ry * 2 + rx
    /// is parity class (ry, rx) of channel o, the order pixel_shuffle(2) expects.</summary>
    private Tensor Kernel()
    {
        long cin = weight.shape[0], cout = weight.shape[1];
        using Tensor taps = tensor(TapIndex, device: weight.device);
        using Tensor flat = weight.flatten(2);                               // [in, out, 16]
        using Tensor padded = functional.pad(flat, new long[] { 0, 1 });     // [in, out, 17], tap 16 = 0
        using Tensor windows = padded.index_select(2, taps);                 // [in, out, 36] = [in, out, (ry, rx), 3, 3]
        using Tensor grouped = windows.view(cin, cout, 4, 3, 3);
        using Tensor classes = grouped.permute(1, 2, 0, 3, 4);               // [out, 4, in, 3, 3]
        return classes.reshape(cout * 4, cin, 3, 3);
    }

    public override Tensor forward(Tensor x)
    {
        using Tensor kernel = Kernel();
        using Tensor classBias = bias.repeat_interleave(4);                          // [4 * out]
        using Tensor classes = functional.conv2d(x, kernel, classBias, padding: new long[] { 1, 1 }); // [n, 4 * out, h, w]
        return functional.pixel_shuffle(classes, 2);                                 // [n, out, 2h, 2w]
    }

    private static long[] BuildTapIndex()
    {
        // kernelRow[r][d]: the 4x4 kernel row that 3x3 window row d reads for output row parity r (-1: none).
        int[][] kernelRow = { new[] { 3, 1, -1 }, new[] { -1, 2, 0 } };
        var index = new long[4 * 9];
        for (int ry = 0; ry < 2; ry++)
        for (int rx = 0; rx < 2; rx++)
        for (int dy = 0; dy < 3; dy++)
        for (int dx = 0; dx < 3; dx++)
        {
            int ky = kernelRow[ry][dy], kx = kernelRow[rx][dx];
            index[((ry * 2 + rx) * 3 + dy) * 3 + dx] = ky < 0 || kx < 0 ? ZeroTap : ky * 4 + kx;
        }
        return index;
    }
}
