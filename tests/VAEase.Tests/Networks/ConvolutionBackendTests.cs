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
        Assert.Contains(ConvolutionBackend.Current, new[] { "onednn", "native" });
        List<Tensor> grads = RepeatedInputGradients();
        Assert.All(grads, g => Assert.True(g.isfinite().all().item<bool>()));
        Assert.All(grads, g => Assert.True(g.eq(grads[0]).all().item<bool>()));
    }

    [Fact]
    public void The_reference_kernels_give_the_gradient_of_a_hand_written_convolution()
    {
        using var scope = NewDisposeScope();
        ConvolutionBackend.Ensure();
        manual_seed(3);
        Tensor x = randn(2, 3, 5, 5, dtype: float64).requires_grad_(true);
        Tensor w = randn(2, 3, 3, 3, dtype: float64);
        Tensor upstream = randn(2, 2, 5, 5, dtype: float64);
        (functional.conv2d(x, w, padding: new long[] { 1, 1 }) * upstream).sum().backward();
        // d/dx of sum(upstream * conv(x, w)) is the transposed convolution of upstream with w
        Tensor expected = functional.conv_transpose2d(upstream, w, padding: new long[] { 1, 1 });
        Assert.True(x.grad!.allclose(expected, 1e-9, 1e-9));
    }

    [Fact]
    public void The_check_accepts_the_native_kernels_and_the_backend_it_chose()
    {
        // float64 runs on the native kernels whatever the switch says: the check's own reference agrees with itself.
        Assert.True(ConvolutionBackend.Agrees(probe => ConvolutionBackend.Gradients(probe, ScalarType.Float64)));
        if (ConvolutionBackend.Ensure() == "onednn") Assert.True(ConvolutionBackend.OneDnnAgrees());
    }

    [Fact]
    public void The_check_rejects_gradients_that_are_nan_on_the_first_call_differ_between_calls_or_are_off()
    {
        // The failures of findings §5, played back on the gradients of the backend in use (checked itself).
        ConvolutionBackend.Ensure();
        int calls = 0;
        Tensor[] NanFirst(ConvolutionBackend.Probe probe)
        {
            Tensor[] grads = ConvolutionBackend.Gradients(probe, ScalarType.Float32);
            if (calls++ == 0) grads[0][0, 0, 0, 0] = tensor(float.NaN);
            return grads;
        }
        Assert.False(ConvolutionBackend.Agrees(NanFirst));

        int second = 0;
        Tensor[] DiffersOnTheSecondCall(ConvolutionBackend.Probe probe)
        {
            Tensor[] grads = ConvolutionBackend.Gradients(probe, ScalarType.Float32);
            return second++ == 1 ? new[] { grads[0] * 1.00001f, grads[1], grads[2] } : grads;
        }
        Assert.False(ConvolutionBackend.Agrees(DiffersOnTheSecondCall));

        Assert.False(ConvolutionBackend.Agrees(probe =>
        {
            Tensor[] grads = ConvolutionBackend.Gradients(probe, ScalarType.Float32);
            return new[] { grads[0], grads[1] * 1.001f, grads[2] };             // 1e-3 off: beyond the 1e-4 allowed
        }));
        Assert.True(ConvolutionBackend.Agrees(probe =>
        {
            Tensor[] grads = ConvolutionBackend.Gradients(probe, ScalarType.Float32);
            return new[] { grads[0], grads[1] * 1.00001f, grads[2] };           // float rounding: allowed
        }));
    }
}
