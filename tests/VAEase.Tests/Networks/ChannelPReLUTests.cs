using TorchSharp;
using VAEase.Networks;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace VAEase.Tests.Networks;

/// <summary><see cref="ChannelPReLU"/> against TorchSharp's PReLU: the same function, gradients and weights.</summary>
public sealed class ChannelPReLUTests
{
    /// <summary>Both modules with the same slopes, drawn in (-1, 1) so that some are negative.</summary>
    private static (ChannelPReLU Ours, Module<Tensor, Tensor> Theirs) Pair(int channels)
    {
        var ours = new ChannelPReLU(channels);
        var theirs = PReLU(channels);
        using (no_grad())
        {
            Tensor slopes = rand(channels, generator: new Generator(3)) * 2 - 1;
            ours.parameters().Single().copy_(slopes);
            theirs.parameters().Single().copy_(slopes);
        }
        return (ours, theirs);
    }

    private static (Tensor Output, Tensor Input, Tensor Weight) Run(Module<Tensor, Tensor> module, Tensor x, Tensor upstream)
    {
        Tensor input = x.detach().clone().requires_grad_();
        Tensor output = module.forward(input);
        Tensor[] grads = autograd.grad(new[] { (output * upstream).sum() }, new[] { input, module.parameters().Single() }).ToArray();
        return (output.detach(), grads[0], grads[1]);
    }

    private static void Close(Tensor expected, Tensor actual, string what)
    {
        Assert.Equal(expected.shape, actual.shape);
        double error = (expected - actual).abs().max().item<float>(), scale = expected.abs().max().item<float>();
        Assert.True(error <= 1e-5 * Math.Max(scale, 1), $"{what}: largest difference {error} (largest value {scale})");
    }

    [Theory]
    [InlineData(8, 16, 5, 7)]     // planes of 35 entries: a partial vector each
    [InlineData(3, 1, 28, 28)]
    [InlineData(64, 16, 9, 9)]    // more than one block of the kernel
    [InlineData(1, 32, 1, 1)]
    public void Output_and_gradients_are_those_of_torchs_prelu(int n, int channels, int h, int w)
    {
        using var scope = NewDisposeScope();
        var (ours, theirs) = Pair(channels);
        Tensor x = randn(n, channels, h, w);
        x[0, 0, 0, 0] = tensor(0f);                                         // at 0 the slope applies, as in libtorch
        Tensor upstream = randn(n, channels, h, w);
        var expected = Run(theirs, x, upstream);
        var actual = Run(ours, x, upstream);
        Assert.True(TensorAssert.Same(expected.Output, actual.Output));
        Close(expected.Input, actual.Input, "dL/dx");
        Close(expected.Weight, actual.Weight, "dL/da");
    }

    [Fact]
    public void Gradients_do_not_depend_on_the_thread_count()
    {
        using var scope = NewDisposeScope();
        var (ours, _) = Pair(16);
        Tensor x = randn(300, 16, 14, 14), upstream = randn(300, 16, 14, 14);
        int threads = get_num_threads();
        try
        {
            set_num_threads(1);
            var one = Run(ours, x, upstream);
            set_num_threads(2);
            var two = Run(ours, x, upstream);
            Assert.True(TensorAssert.Same(one.Input, two.Input));
            Assert.True(TensorAssert.Same(one.Weight, two.Weight));
        }
        finally
        {
            set_num_threads(threads);
        }
    }

    [Fact]
    public void Flat_inputs_and_evaluation_use_torchs_prelu_and_agree()
    {
        using var scope = NewDisposeScope();
        var (ours, theirs) = Pair(32);
        Tensor flat = randn(50, 32), upstream = randn(50, 32);
        var expected = Run(theirs, flat, upstream);
        var actual = Run(ours, flat, upstream);
        Assert.True(TensorAssert.Same(expected.Output, actual.Output));
        Assert.True(TensorAssert.Same(expected.Weight, actual.Weight));
        using (no_grad())
        {
            Tensor images = randn(4, 32, 3, 3);
            Assert.True(TensorAssert.Same(theirs.forward(images), ours.forward(images)));
        }
    }

    [Fact]
    public void Checkpoints_of_torchs_prelu_load_unchanged()
    {
        using var scope = NewDisposeScope();
        using var old = Sequential(Conv2d(1, 4, 3), PReLU(4));
        using var current = Sequential(Conv2d(1, 4, 3), new ChannelPReLU(4));
        Assert.Equal(old.state_dict().Keys.Order(), current.state_dict().Keys.Order());
        using (no_grad()) old.parameters().Last().copy_(tensor(new[] { 0.1f, -0.2f, 0.3f, 0.5f }));
        current.load_state_dict(old.state_dict());
        Tensor x = randn(2, 1, 6, 6);
        Assert.True(TensorAssert.Same(old.forward(x), current.forward(x)));
        Assert.Equal(0.25f, new ChannelPReLU(3).parameters().Single().mean().item<float>());   // PReLU's initial slope
    }
}
