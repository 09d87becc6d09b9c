using VAEase.Networks;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace VAEase.Tests.Networks;

public sealed class ConvolutionBackendTests
{
    /// <summary>The input gradient of one conv, computed 4 times with the same weights and inputs.</summary>
    static List<Tensor> RepeatedInputGradients()
    {
        var grads = new List<Tensor>();
        manual_seed(2);
        using var conv = Conv2d(16, 4, 3, padding: 1);
        Tensor x = randn(16, 16, 8, 8);
        Tensor upstream = randn(16, 4, 8, 8);
        for (int i = 0; i < 4; i++)
        {
            Tensor leaf = x.clone().requires_grad_(true);
            (conv.forward(leaf) * upstream).sum().backward();
            grads.Add(leaf.grad!.clone());
        }
        return grads;
    }

    [Fact]
    public void Once_conv_networks_exist_conv_input_gradients_are_finite_and_identical_on_every_call()
    {
        using var scope = NewDisposeScope();
        using var encoder = new ConvEncoder(784, 4);
        Assert.True(ConvolutionBackend.EnsureOneDnnDisabled());
        List<Tensor> grads = RepeatedInputGradients();
        Assert.All(grads, g => Assert.True(g.isfinite().all().item<bool>()));
        Assert.All(grads, g => Assert.True(g.eq(grads[0]).all().item<bool>()));
    }

    [Fact]
    public void The_reference_kernels_give_the_gradient_of_a_hand_written_convolution()
    {
        using var scope = NewDisposeScope();
        ConvolutionBackend.EnsureOneDnnDisabled();
        manual_seed(3);
        Tensor x = randn(2, 3, 5, 5, dtype: float64).requires_grad_(true);
        Tensor w = randn(2, 3, 3, 3, dtype: float64);
        Tensor upstream = randn(2, 2, 5, 5, dtype: float64);
        (functional.conv2d(x, w, padding: new long[] { 1, 1 }) * upstream).sum().backward();
        // d/dx of sum(upstream * conv(x, w)) is the transposed convolution of upstream with w
        Tensor expected = functional.conv_transpose2d(upstream, w, padding: new long[] { 1, 1 });
        Assert.True(x.grad!.allclose(expected, 1e-9, 1e-9));
    }
}
