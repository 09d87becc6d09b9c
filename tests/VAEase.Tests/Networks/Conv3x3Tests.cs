using TorchSharp;
using TorchSharp.Modules;
using VAEase.Networks;
using VAEase.Tests.Plotting;
using VAEase.Training;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace VAEase.Tests.Networks;

public sealed class Conv3x3Tests
{
    /// <summary>libtorch's Conv2d(3, stride, padding 1) with the module's own weight and bias.</summary>
    static Tensor Plain(Tensor x, Tensor weight, Tensor bias, int stride) =>
        functional.conv2d(x, weight, bias, strides: new long[] { stride, stride }, padding: new long[] { 1, 1 });

    static (Tensor Weight, Tensor Bias) Parameters(Module module)
    {
        var named = module.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        return (named["weight"], named["bias"]);
    }

    /// <summary>Largest absolute difference, relative to the largest absolute value of the expected tensor.</summary>
    static double RelativeError(Tensor actual, Tensor expected) =>
        (actual - expected).abs().max().ToDouble() / expected.abs().max().ToDouble();

    /// <summary>Output, then the input, weight and bias gradients of <paramref name="conv"/> and of libtorch's conv2d
    /// with the same parameters, for a random upstream gradient.</summary>
    static (Tensor[] Ours, Tensor[] Expected) Run(Conv3x3 conv, int stride, Tensor x)
    {
        var (weight, bias) = Parameters(conv);
        x.requires_grad_(true);
        Tensor ours = conv.forward(x);
        Tensor upstream = randn_like(ours);
        (ours * upstream).sum().backward();
        Tensor[] oursAll = { ours.detach(), x.grad!.clone(), weight.grad!.clone(), bias.grad!.clone() };
        foreach (Tensor t in new[] { x, weight, bias }) t.grad!.zero_();

        Tensor expected = Plain(x, weight, bias, stride);
        (expected * upstream).sum().backward();
        return (oursAll, new[] { expected.detach(), x.grad!, weight.grad!, bias.grad! });
    }

    static readonly string[] Names = { "output", "input gradient", "weight gradient", "bias gradient" };

    [Theory]
    [InlineData(16, 16, 28, 28, 1, 3)]
    [InlineData(16, 16, 7, 7, 1, 2)]
    [InlineData(1, 16, 5, 8, 1, 3)]      // C = 1, as the stem
    [InlineData(16, 1, 6, 3, 1, 2)]      // one output channel, as the decoder's output conv
    [InlineData(4, 64, 5, 5, 1, 2)]      // in < out: the input gradient by the transposed conv
    [InlineData(3, 4, 1, 1, 1, 1)]       // 1x1 image, batch 1
    [InlineData(3, 4, 5, 3, 1, 130)]     // more images than one block of the weight gradient
    [InlineData(16, 16, 28, 28, 2, 3)]
    [InlineData(16, 32, 14, 14, 2, 2)]
    [InlineData(5, 6, 7, 9, 2, 3)]       // odd sides at stride 2
    [InlineData(2, 3, 1, 1, 2, 1)]
    [InlineData(1, 4, 6, 5, 2, 130)]
    public void The_output_and_the_gradients_of_input_weight_and_bias_are_those_of_Conv2d(int cin, int cout, int h, int w, int stride, int n)
    {
        using var scope = NewDisposeScope();
        manual_seed(21);
        using var conv = new Conv3x3(cin, cout, stride);
        var (ours, expected) = Run(conv, stride, randn(n, cin, h, w));
        for (int i = 0; i < 4; i++)
        {
            Assert.Equal(expected[i].shape, ours[i].shape);
            double error = RelativeError(ours[i], expected[i]);
            Assert.True(error < 1e-5, $"{Names[i]} off by {error}");
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void In_float64_it_matches_Conv2d_to_rounding(int stride)
    {
        using var scope = NewDisposeScope();
        manual_seed(22);
        using var conv = new Conv3x3(5, 6, stride);
        conv.to(float64);
        var (ours, expected) = Run(conv, stride, randn(3, 5, 9, 4, dtype: float64));
        for (int i = 0; i < 4; i++)
            Assert.True(RelativeError(ours[i], expected[i]) < 1e-12, $"{Names[i]} off by {RelativeError(ours[i], expected[i])}");
    }

    [Fact]
    public void The_comparison_tells_a_weight_gradient_with_a_tap_off_by_one_apart()
    {
        // What a tap offset off by one column would compute: the weight gradient of the input shifted by one column.
        using var scope = NewDisposeScope();
        manual_seed(23);
        using var conv = new Conv3x3(16, 16);
        var (weight, bias) = Parameters(conv);
        Tensor x = randn(3, 16, 7, 7), upstream = randn(3, 16, 7, 7);
        Tensor ours = Gradient(w => Conv3x3.Apply(x, w, bias), weight, upstream);
        Tensor offByOne = Gradient(w => Plain(x.roll(1, 3), w, bias, 1), weight, upstream);
        Assert.True(RelativeError(ours, offByOne) > 1e-2);
    }

    static Tensor Gradient(Func<Tensor, Tensor> conv, Tensor weight, Tensor upstream)
    {
        Tensor w = weight.detach().clone().requires_grad_(true);
        (conv(w) * upstream).sum().backward();
        return w.grad!.clone();
    }

    [Fact]
    public void Without_gradients_it_is_plain_Conv2d()
    {
        using var scope = NewDisposeScope();
        manual_seed(24);
        using var conv = new Conv3x3(4, 5, 2);
        var (weight, bias) = Parameters(conv);
        Tensor x = randn(2, 4, 9, 9);
        using (no_grad())
            Assert.True(TensorAssert.Same(conv.forward(x), Plain(x, weight, bias, 2)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void It_has_the_parameters_and_the_initialisation_of_Conv2d(int stride)
    {
        using var scope = NewDisposeScope();
        manual_seed(25);
        using var plain = Conv2d(16, 8, 3, stride: stride, padding: 1);
        manual_seed(25);
        using var conv = new Conv3x3(16, 8, stride);
        var ours = conv.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var theirs = plain.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        Assert.Equal(theirs.Keys.Order(), ours.Keys.Order());
        Assert.Equal(conv.state_dict().Keys.Order(), plain.state_dict().Keys.Order());
        foreach (string name in theirs.Keys) Assert.True(TensorAssert.Same(ours[name], theirs[name]), name);
    }

    [Fact]
    public void A_stride_other_than_1_or_2_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => new Conv3x3(2, 2, 3));
        Assert.Equal("stride", error.ParamName);
    }

    [Fact]
    public void Down_and_up_blocks_and_a_decoder_saved_before_Conv3x3_load_and_give_the_same_output()
    {
        using var scope = NewDisposeScope();
        using var folder = new TempFolder();
        manual_seed(26);
        using var downBefore = new DownBlockBefore(16, 32);
        using var upBefore = new UpBlockBefore(16);
        using var decoderBefore = Sequential(Conv2d(16, 1, 3, padding: 1), BatchNorm2d(1), PReLU(1), Sigmoid());
        Module<Tensor, Tensor>[] before = { downBefore, upBefore, decoderBefore };
        manual_seed(27);
        using var down = new DownBlock(16, 32);
        using var up = new UpBlock(16);
        using var decoderOutput = Sequential(new Conv3x3(16, 1), BatchNorm2d(1), PReLU(1), Sigmoid());
        Module<Tensor, Tensor>[] after = { down, up, decoderOutput };
        int[] sides = { 14, 7, 28 };
        for (int i = 0; i < 3; i++)
        {
            before[i].train();
            for (int j = 0; j < 3; j++) before[i].forward(randn(4, 16, sides[i], sides[i]));  // batch-norm statistics away from their initial values
            string path = folder.File($"block{i}.safetensors");
            ModelStore.SaveModule(path, before[i], "block");
            ModelStore.LoadModule(path, after[i]);
            Assert.Equal(before[i].state_dict().Keys.Order(), after[i].state_dict().Keys.Order());

            Tensor x = randn(3, 16, sides[i], sides[i]);
            before[i].eval();
            after[i].eval();
            using (no_grad())
                Assert.True(RelativeError(after[i].forward(x), before[i].forward(x)) < 1e-5, $"block {i}");
        }
    }

    [Fact]
    public void Training_steps_leave_the_number_of_live_tensors_flat()
    {
        manual_seed(28);
        using var conv = new Conv3x3(4, 6, 2);
        using Tensor x = randn(5, 4, 9, 9);
        long Live() => DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        void Step()
        {
            using var scope = NewDisposeScope();
            conv.zero_grad();
            Tensor input = x.detach().requires_grad_(true);
            conv.forward(input).square().sum().backward();
        }
        Step();
        long before = Live();
        for (int i = 0; i < 20; i++) Step();
        Assert.True(Live() - before < 5, $"{Live() - before} tensors left alive");
    }

    /// <summary>DownBlock as it was before Conv3x3: libtorch's Conv2d in the same places.</summary>
    sealed class DownBlockBefore : Module<Tensor, Tensor>
    {
        private readonly Sequential body;
        private readonly Sequential skip;
        private readonly PReLU act;

        public DownBlockBefore(int inChannels, int outChannels) : base(nameof(DownBlockBefore))
        {
            body = Sequential(
                Conv2d(inChannels, outChannels, 3, stride: 2, padding: 1), BatchNorm2d(outChannels), PReLU(outChannels),
                Conv2d(outChannels, outChannels, 3, padding: 1), BatchNorm2d(outChannels));
            skip = Sequential(Conv2d(inChannels, outChannels, 1, stride: 2), BatchNorm2d(outChannels));
            act = PReLU(outChannels);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x) => act.forward(body.forward(x) + skip.forward(x));
    }

    /// <summary>UpBlock as it was before Conv3x3.</summary>
    sealed class UpBlockBefore : Module<Tensor, Tensor>
    {
        private readonly Sequential body;
        private readonly PReLU act;

        public UpBlockBefore(int channels) : base(nameof(UpBlockBefore))
        {
            body = Sequential(
                new SubPixelConvTranspose(channels, channels), BatchNorm2d(channels), PReLU(channels),
                Conv2d(channels, channels, 3, padding: 1), BatchNorm2d(channels));
            act = PReLU(channels);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x) =>
            act.forward(body.forward(x) + x.repeat_interleave(2, 2).repeat_interleave(2, 3));
    }
}
