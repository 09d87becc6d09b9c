using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace VAEase.Networks;

/// <summary>Conv2d(in, out, 3, stride 1 or 2, padding 1), [n, in, h, w] -> [n, out, ho, wo], whose backward computes
/// the weight gradient with nine batched GEMMs over the whole batch instead of libtorch's sample-by-sample loop.
/// Same parameters as Conv2d — <c>weight</c> [out, in, 3, 3] and <c>bias</c> [out], initialised by it — so
/// checkpoints and the math are Conv2d's. Why: with oneDNN off (<see cref="ConvolutionBackend"/>) libtorch's
/// <c>slow_conv2d</c> backward accumulates the weight gradient with one small GEMM per sample
/// (docs/performance.md, "(c) conv-mnist").</summary>
/// <remarks>The forward and the input gradient stay libtorch's convolutions (the input gradient is the convolution of
/// the output gradient with the flipped, transposed kernel, or for stride 2 the transposed convolution). For the
/// weight gradient, dW[o, c, ky, kx] = sum over n, i, j of gy[n, o, i, j] * xpad[n, c, s i + ky, s j + kx]. The
/// padded input is split into its s x s phases, xpad[n, c, s i + py, s j + px] = X_(py, px)[n, c, i, j], each a grid
/// of hq x wq = (ho + 2/s) x (wo + 2/s) cells flattened to hq * wq; gy is embedded at the top-left of the same grid
/// with zeros in its last 2/s rows and columns. Tap (ky, kx) then reads phase (ky mod s, kx mod s) shifted by
/// (ky div s) * wq + (kx div s) cells: one GEMM per image, [o, L] x [L, c], run for all images by one bmm. The
/// zeros of the gy grid meet exactly the cells where a shifted read crosses into the next grid row, so nothing wraps.</remarks>
public sealed class Conv3x3 : Module<Tensor, Tensor>
{
    /// <summary>Images per block of the weight gradient's GEMMs (measured: 64 beat 16 and the whole batch).</summary>
    private const long ChunkImages = 64;

    private readonly Parameter weight;
    private readonly Parameter bias;
    private readonly int stride;

    public Conv3x3(int inChannels, int outChannels, int stride = 1) : base(nameof(Conv3x3))
    {
        if (stride is not (1 or 2)) throw new ArgumentException($"stride must be 1 or 2, got {stride}", nameof(stride));
        this.stride = stride;
        // Conv2d's own initialisation, drawn in the same order from the generator as before.
        using (Conv2d init = Conv2d(inChannels, outChannels, 3, stride: stride, padding: 1))
        {
            weight = Parameter(init.weight!.detach().clone());
            bias = Parameter(init.bias!.detach().clone());
        }
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => Apply(x, weight, bias, stride);

    /// <summary>conv2d(x, weight, bias, stride, padding 1) with the batched weight gradient; weight [out, in, 3, 3].</summary>
    public static Tensor Apply(Tensor x, Tensor weight, Tensor bias, int stride = 1)
    {
        if (!is_grad_enabled() || !(x.requires_grad || weight.requires_grad || bias.requires_grad))
            return Forward(x, weight, bias, stride);
        return Function.apply(x, weight, bias, stride);
    }

    private static Tensor Forward(Tensor x, Tensor weight, Tensor bias, int stride) =>
        functional.conv2d(x, weight, bias, strides: new long[] { stride, stride }, padding: new long[] { 1, 1 });

    /// <summary>dL/dx [n, in, h, w] of the output gradient gy [n, out, ho, wo]: libtorch's transposed conv, or for
    /// stride 1 and in >= out the conv with the flipped, transposed kernel, which measured faster there
    /// (16 -> 16 at 28x28: 0.23 against 0.39 CPU-s; 16 -> 1: 0.04 against 0.32; slower for 16 -> 64 and 1 -> 16).</summary>
    private static Tensor InputGradient(Tensor gy, Tensor weight, int stride, long h, long w)
    {
        if (stride == 1 && weight.shape[1] >= weight.shape[0])
        {
            using Tensor flipped = weight.transpose(0, 1).flip(2, 3);                      // [in, out, 3, 3]
            return functional.conv2d(gy, flipped, padding: new long[] { 1, 1 });
        }
        // The last rows and columns a strided forward never reached come back as output padding.
        long[] outputPadding = { h - (stride * (gy.shape[2] - 1) + 1), w - (stride * (gy.shape[3] - 1) + 1) };
        return functional.conv_transpose2d(gy, weight, strides: new long[] { stride, stride }, padding: new long[] { 1, 1 }, output_padding: outputPadding);
    }

    /// <summary>dL/dW [out, in, 3, 3] by the phase grids of the class remarks.</summary>
    private static Tensor WeightGradient(Tensor x, Tensor gy, int stride)
    {
        using var scope = NewDisposeScope();
        long n = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3];
        long o = gy.shape[1], ho = gy.shape[2], wo = gy.shape[3];
        long reach = 2 / stride, hq = ho + reach, wq = wo + reach, cells = hq * wq;
        long length = cells - reach * wq - reach;                  // L: the cells from which every tap's shift stays in the grid
        // The conv's padding of 1, and zeros on the bottom and right up to stride * (hq, wq); then the phases.
        Tensor padded = functional.pad(x, new long[] { 1, stride * wq - w - 1, 1, stride * hq - h - 1 });
        Tensor phases = padded.view(n, c, hq, stride, wq, stride).permute(3, 5, 0, 1, 2, 4).contiguous(); // [s, s, n, c, hq, wq]
        Tensor grid = functional.pad(gy, new long[] { 0, reach, 0, reach }).view(n, o, cells);
        Tensor sums = zeros(9, o, c, dtype: x.dtype, device: x.device);
        // A block of images at a time, all nine taps on it while it is in cache.
        for (long first = 0; first < n; first += ChunkImages)
        {
            long m = Math.Min(ChunkImages, n - first);
            Tensor g = grid.narrow(0, first, m).narrow(2, 0, length);                        // [m, o, L]
            for (int ky = 0; ky < 3; ky++)
            for (int kx = 0; kx < 3; kx++)
            {
                Tensor phase = phases[ky % stride, kx % stride].narrow(0, first, m).view(m, c, cells);
                Tensor shifted = phase.narrow(2, ky / stride * wq + kx / stride, length).transpose(1, 2); // [m, L, c]
                sums[ky * 3 + kx].add_(g.bmm(shifted).sum(0L));                               // [o, c]
            }
        }
        return sums.permute(1, 2, 0).reshape(o, c, 3, 3).MoveToOuterDisposeScope();
    }

    /// <summary>The autograd function: libtorch's forward, the gradients above.</summary>
    private sealed class Function : autograd.SingleTensorFunction<Function>
    {
        public override string Name => nameof(Conv3x3);

        public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
        {
            var (x, weight, bias, stride) = ((Tensor)vars[0], (Tensor)vars[1], (Tensor)vars[2], (int)vars[3]);
            ctx.save_for_backward(new List<Tensor> { x, weight });
            ctx.save_data("stride", stride);
            ctx.save_data("needs", new[] { x.requires_grad, weight.requires_grad, bias.requires_grad });
            return Forward(x, weight, bias, stride);
        }

        public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor gy)
        {
            List<Tensor> saved = ctx.get_saved_variables();
            using Tensor x = saved[0], weight = saved[1];
            var stride = (int)ctx.get_data("stride");
            var needs = (bool[])ctx.get_data("needs");
            Tensor? dx = needs[0] ? InputGradient(gy, weight, stride, x.shape[2], x.shape[3]) : null;
            Tensor? dw = needs[1] ? WeightGradient(x, gy, stride) : null;
            Tensor? db = needs[2] ? gy.sum(new long[] { 0, 2, 3 }) : null;
            return new List<Tensor> { dx!, dw!, db!, null! };
        }
    }
}
