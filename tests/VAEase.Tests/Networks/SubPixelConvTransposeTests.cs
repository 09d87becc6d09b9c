using TorchSharp;
using TorchSharp.Modules;
using VAEase.Networks;
using VAEase.Tests.Plotting;
using VAEase.Training;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace VAEase.Tests.Networks;

public sealed class SubPixelConvTransposeTests
{
    /// <summary>libtorch's ConvTranspose2d(4, stride 2, padding 1) with the module's own weight and bias.</summary>
    static Tensor Transposed(Tensor x, Tensor weight, Tensor bias) =>
        functional.conv_transpose2d(x, weight, bias, strides: new long[] { 2, 2 }, padding: new long[] { 1, 1 });

    static (Tensor Weight, Tensor Bias) Parameters(SubPixelConvTranspose conv)
    {
        var named = conv.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        return (named["weight"], named["bias"]);
    }

    /// <summary>Largest absolute difference, relative to the largest absolute value of the expected tensor.</summary>
    static double RelativeError(Tensor actual, Tensor expected) =>
        (actual - expected).abs().max().item<float>() / expected.abs().max().item<float>();

    [Theory]
    [InlineData(16, 16, 7, 7)]
    [InlineData(16, 16, 14, 14)]
    [InlineData(16, 16, 5, 8)]
    [InlineData(3, 16, 1, 1)]
    [InlineData(16, 4, 6, 3)]
    public void The_output_and_the_gradients_of_input_weight_and_bias_are_those_of_the_transposed_conv(int cin, int cout, int h, int w)
    {
        using var scope = NewDisposeScope();
        manual_seed(7);
        using var conv = new SubPixelConvTranspose(cin, cout);
        var (weight, bias) = Parameters(conv);
        Tensor x = randn(3, cin, h, w).requires_grad_(true);
        Tensor upstream = randn(3, cout, 2 * h, 2 * w);

        Tensor ours = conv.forward(x);
        (ours * upstream).sum().backward();
        Tensor[] oursGrads = { x.grad!.clone(), weight.grad!.clone(), bias.grad!.clone() };
        foreach (Tensor t in new[] { x, weight, bias }) t.grad!.zero_();

        Tensor expected = Transposed(x, weight, bias);
        (expected * upstream).sum().backward();
        Tensor[] expectedGrads = { x.grad!, weight.grad!, bias.grad! };

        Assert.Equal(expected.shape, ours.shape);
        Assert.True(RelativeError(ours, expected) < 1e-5, $"output off by {RelativeError(ours, expected)}");
        string[] names = { "input", "weight", "bias" };
        for (int i = 0; i < 3; i++)
        {
            double error = RelativeError(oursGrads[i], expectedGrads[i]);
            Assert.True(error < 1e-5, $"{names[i]} gradient off by {error}");
        }
    }

    [Fact]
    public void In_float64_it_matches_the_transposed_conv_to_rounding()
    {
        using var scope = NewDisposeScope();
        manual_seed(8);
        using var conv = new SubPixelConvTranspose(5, 6);
        conv.to(float64);
        var (weight, bias) = Parameters(conv);
        Tensor x = randn(2, 5, 9, 4, dtype: float64);
        Assert.True(conv.forward(x).allclose(Transposed(x, weight, bias), 1e-12, 1e-12));
    }

    [Fact]
    public void The_comparison_tells_a_kernel_gathered_without_the_flip_apart()
    {
        // What a wrong gather would look like: the same taps, unflipped. The checks above would catch it.
        using var scope = NewDisposeScope();
        manual_seed(9);
        using var conv = new SubPixelConvTranspose(16, 16);
        var (weight, bias) = Parameters(conv);
        Tensor x = randn(3, 16, 7, 7);
        Tensor unflipped = Transposed(x, weight.flip(2, 3), bias);
        Assert.True(RelativeError(conv.forward(x), unflipped) > 1e-2);
    }

    [Fact]
    public void It_has_the_parameters_and_the_initialisation_of_ConvTranspose2d()
    {
        using var scope = NewDisposeScope();
        manual_seed(10);
        using var plain = ConvTranspose2d(16, 8, 4, stride: 2, padding: 1);
        manual_seed(10);
        using var conv = new SubPixelConvTranspose(16, 8);
        var ours = conv.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var theirs = plain.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        Assert.Equal(theirs.Keys.Order(), ours.Keys.Order());
        Assert.Equal(conv.state_dict().Keys.Order(), plain.state_dict().Keys.Order());
        foreach (string name in theirs.Keys) Assert.True(TensorAssert.Same(ours[name], theirs[name]), name);
    }

    [Fact]
    public void An_up_block_saved_before_the_sub_pixel_conv_loads_and_gives_the_same_output()
    {
        using var scope = NewDisposeScope();
        using var folder = new TempFolder();
        manual_seed(11);
        using var before = new UpBlockBefore(16);
        before.train();
        for (int i = 0; i < 3; i++) before.forward(randn(4, 16, 7, 7));  // batch-norm statistics away from their initial values
        string path = folder.File("up.safetensors");
        ModelStore.SaveModule(path, before, "up-block");

        manual_seed(12);
        using var after = new UpBlock(16);
        ModelStore.LoadModule(path, after, "an up block");
        Tensor x = randn(3, 16, 7, 7);
        before.eval();
        after.eval();
        using (no_grad())
        {
            Tensor expected = before.forward(x);
            Assert.True(RelativeError(after.forward(x), expected) < 1e-5);
        }
    }

    [Fact]
    public void The_conv_decoder_keeps_its_weight_names_and_shapes()
    {
        using var scope = NewDisposeScope();
        using var decoder = new ConvDecoder(32, 784);
        var shapes = decoder.state_dict().ToDictionary(p => p.Key, p => p.Value.shape);
        Assert.Equal(new long[] { 16, 16, 4, 4 }, shapes["up1.body.0.weight"]);
        Assert.Equal(new long[] { 16 }, shapes["up2.body.0.bias"]);
        // Linear 32 -> 784 (25 872), two up-blocks (6 528 each: the 4x4 transposed conv's 4 112 among them), output 148
        Assert.Equal(39_076, decoder.parameters().Sum(p => p.numel()));
    }

    /// <summary>UpBlock as it was before the sub-pixel conv: libtorch's ConvTranspose2d in the same place.</summary>
    sealed class UpBlockBefore : Module<Tensor, Tensor>
    {
        private readonly Sequential body;
        private readonly PReLU act;

        public UpBlockBefore(int channels) : base(nameof(UpBlockBefore))
        {
            body = Sequential(
                ConvTranspose2d(channels, channels, 4, stride: 2, padding: 1), BatchNorm2d(channels), PReLU(channels),
                Conv2d(channels, channels, 3, padding: 1), BatchNorm2d(channels));
            act = PReLU(channels);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x) =>
            act.forward(body.forward(x) + x.repeat_interleave(2, 2).repeat_interleave(2, 3));
    }
}
