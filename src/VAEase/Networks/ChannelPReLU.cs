using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace VAEase.Networks;

/// <summary>nn.PReLU with one slope per channel: y = x where x &gt; 0, else a_c x. The same parameter (`weight`
/// [channels], initialised to 0.25) and forward as TorchSharp's PReLU, so checkpoints are interchangeable; on CPU
/// float32 images [n, c, h, w] its backward is one SIMD pass that writes dL/dx and sums dL/da per channel.
/// libtorch's own backward runs a scalar kernel that writes a per-element slope gradient as large as the
/// activations and then reduces it: ~10% of the conv image step's CPU time (perf, batch 2048).</summary>
public sealed class ChannelPReLU : Module<Tensor, Tensor>
{
    private readonly Parameter weight;

    public ChannelPReLU(int channels) : base(nameof(PReLU))
    {
        weight = Parameter(full(channels, 0.25f));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        bool fused = x.device_type == DeviceType.CPU && x.dtype == ScalarType.Float32 && weight.dtype == ScalarType.Float32
            && x.dim() == 4 && x.shape[1] == weight.shape[0] && x.numel() <= int.MaxValue && is_grad_enabled() && (x.requires_grad || weight.requires_grad);
        Function.ReleaseHanded();
        return fused ? Function.apply(x.contiguous(), weight) : functional.prelu(x, weight);
    }

    /// <summary>The kernel works on blocks of whole images of about this many entries, as many blocks at a time as
    /// libtorch has threads; the blocks, and the order in which their slope sums add, do not depend on the thread
    /// count, so neither do the results.</summary>
    private const int BlockEntries = 1 << 16;

    /// <summary>dL/dx [n, c, h, w] and dL/da [c] from x and dL/dy.</summary>
    internal static (Tensor Input, Tensor Weight) Backward(Tensor x, Tensor weight, Tensor gradient)
    {
        int n = (int)x.shape[0], channels = (int)x.shape[1], plane = (int)(x.shape[2] * x.shape[3]);
        int imagesPerBlock = Math.Max(1, BlockEntries / Math.Max(1, channels * plane));
        int blocks = (n + imagesPerBlock - 1) / imagesPerBlock;
        float[] slopes = weight.data<float>().ToArray();
        var sums = new double[blocks, channels];
        Tensor dx = empty_like(x);
        void Block(int block)
        {
            int first = block * imagesPerBlock, count = Math.Min(imagesPerBlock, n - first);
            int start = first * channels * plane, length = count * channels * plane;
            Span<float> xs = Floats(x).Slice(start, length), gs = Floats(gradient).Slice(start, length), ds = Floats(dx).Slice(start, length);
            for (int i = 0; i < count; i++)
                for (int c = 0; c < channels; c++)
                {
                    int at = (i * channels + c) * plane;
                    sums[block, c] += Plane(xs.Slice(at, plane), gs.Slice(at, plane), ds.Slice(at, plane), slopes[c]);
                }
        }
        if (blocks == 1 || get_num_threads() == 1)
            for (int block = 0; block < blocks; block++) Block(block);
        else
            Parallel.For(0, blocks, new ParallelOptions { MaxDegreeOfParallelism = get_num_threads() }, Block);

        var total = new float[channels];
        for (int c = 0; c < channels; c++)
        {
            double sum = 0;
            for (int block = 0; block < blocks; block++) sum += sums[block, c];
            total[c] = (float)sum;
        }
        return (dx, tensor(total));
    }

    /// <summary>One channel of one image: writes dL/dx and returns the plane's sum of dL/dy * min(x, 0). At x = 0
    /// the slope applies, as in libtorch (dL/dx = a dL/dy, no slope gradient).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double Plane(ReadOnlySpan<float> x, ReadOnlySpan<float> g, Span<float> dx, float slope)
    {
        int width = Vector<float>.Count, i = 0;
        var a = new Vector<float>(slope);
        var acc = Vector<float>.Zero;
        for (; i <= x.Length - width; i += width)
        {
            var vx = Vector.LoadUnsafe(ref MemoryMarshal.GetReference(x), (nuint)i);
            var vg = Vector.LoadUnsafe(ref MemoryMarshal.GetReference(g), (nuint)i);
            Vector<int> positive = Vector.GreaterThan(vx, Vector<float>.Zero);
            Vector.ConditionalSelect(positive, vg, vg * a).StoreUnsafe(ref MemoryMarshal.GetReference(dx), (nuint)i);
            acc += Vector.ConditionalSelect(positive, Vector<float>.Zero, vg * vx);
        }
        double sum = Vector.Sum(acc);
        for (; i < x.Length; i++)
        {
            bool positive = x[i] > 0;
            dx[i] = positive ? g[i] : slope * g[i];
            if (!positive) sum += g[i] * x[i];
        }
        return sum;
    }

    private static Span<float> Floats(Tensor t) => MemoryMarshal.Cast<byte, float>(t.bytes);

    /// <summary>libtorch's forward, the backward above.</summary>
    private sealed class Function : autograd.SingleTensorFunction<Function>
    {
        public override string Name => nameof(ChannelPReLU);

        public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
        {
            var (x, weight) = ((Tensor)vars[0], (Tensor)vars[1]);
            ctx.save_for_backward(new List<Tensor> { x, weight });
            return functional.prelu(x, weight);
        }

        public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor gradient)
        {
            ReleaseHanded();
            List<Tensor> saved = ctx.get_saved_variables();
            using Tensor x = saved[0], weight = saved[1];
            using Tensor g = gradient.contiguous();
            var (dx, dw) = Backward(x, weight, g);
            handed.Add(dx.DetachFromDisposeScope());
            handed.Add(dw.DetachFromDisposeScope());
            return new List<Tensor> { dx, dw };
        }

        /// <summary>The gradients returned by the last backward call. libtorch holds its own references to them once
        /// the call has returned; the C# wrappers are let go at the next call (or forward), instead of with the
        /// training step's dispose scope, so that the engine frees each gradient as soon as it is consumed, as it
        /// does its own. Held to the step's end, they made the conv step's heap ~0.4 GB larger and page-fault.</summary>
        [ThreadStatic] private static List<Tensor>? handedStore;
        private static List<Tensor> handed => handedStore ??= new List<Tensor>();

        internal static void ReleaseHanded()
        {
            foreach (Tensor t in handed) t.Dispose();
            handed.Clear();
        }
    }
}
