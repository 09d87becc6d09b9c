using VAEase.Models;
using static TorchSharp.torch;

namespace VAEase.Tests.Models;

public sealed class SaeJumpReluTests
{
    // theta = (0.1, 0.1, 0.25), eps = 0.1: the kernel window is |pre - theta| < 0.05.
    static Tensor Pre(bool grad = false) => tensor(new[] { 0.5f, 0.07f, -1f, 0.1f, 0.2f, 0.28f }, [2, 3]).requires_grad_(grad);

    static Tensor Theta() => tensor(new[] { 0.1f, 0.1f, 0.25f }).requires_grad_(true);

    static float[] Values(Tensor t) => t.contiguous().data<float>().ToArray();

    [Fact]
    public void Jump_passes_the_pre_activations_strictly_above_their_thresholds_exactly()
    {
        using var scope = NewDisposeScope();
        Tensor z = SaeJumpRelu.Jump(Pre(), Theta(), 0.1);
        Assert.Equal([0.5f, 0f, 0f, 0f, 0.2f, 0.28f], Values(z)); // 0.1 = theta is off: H(0) = 0
    }

    [Fact]
    public void Jump_gradients_are_the_step_in_pre_and_the_rectangle_kernel_pseudo_derivative_in_theta()
    {
        using var scope = NewDisposeScope();
        Tensor pre = Pre(grad: true), theta = Theta();
        SaeJumpRelu.Jump(pre, theta, 0.1).sum().backward();
        Assert.Equal([1f, 0f, 0f, 0f, 1f, 1f], Values(pre.grad!));
        // -(theta / eps) per entry in the window: 0.1 (col 0, row 2), 0.07 (col 1, row 1), 0.28 (col 2, row 2).
        float[] expected = [-1f, -1f, -2.5f];
        float[] actual = Values(theta.grad!);
        for (int j = 0; j < 3; j++) Assert.Equal(expected[j], actual[j], 5);
    }

    [Fact]
    public void Step_counts_the_open_latents_and_its_gradient_reaches_theta_only()
    {
        using var scope = NewDisposeScope();
        Tensor pre = Pre(grad: true), theta = Theta();
        Tensor step = SaeJumpRelu.Step(pre, theta, 0.1);
        Assert.Equal([1f, 0f, 0f, 0f, 1f, 1f], Values(step));
        step.sum().backward();
        Assert.True(pre.grad is null || pre.grad.eq(0).all().item<bool>(), "the L0 term must not push the pre-activations");
        float[] actual = Values(theta.grad!);
        for (int j = 0; j < 3; j++) Assert.Equal(-10f, actual[j], 4); // -(1 / eps), one window entry per latent
    }

    /// <summary>An identity SAE-JumpReLU (pre-activations = the input) with lambda 0.5, eps 0.1 and theta = (0.12, 0.1, 0.25),
    /// where no entry of <see cref="Pre"/> ties with exp(log theta).</summary>
    static SparseAutoencoder Model()
    {
        var model = IdentitySae.Create(ModelKind.SaeJumpRelu, latent: 3, l0: 0.5, bandwidth: 0.1);
        IdentitySae.Set(model, "log_threshold", tensor(new[] { 0.12f, 0.1f, 0.25f }).log());
        return model;
    }

    [Fact]
    public void The_model_codes_with_its_thresholds_and_charges_lambda_times_the_mean_l0()
    {
        using var scope = NewDisposeScope();
        using var model = Model();
        model.eval();
        Assert.Equal([0.5f, 0f, 0f, 0f, 0.2f, 0.28f], Values(model.Encode(Pre()).Code));

        model.train();
        LossTerms terms = model.forward(Pre());
        Assert.Equal(0.5 * (1 + 2) / 2.0, terms.Penalty.item<float>(), 5); // L0 = 1 and 2; no weight penalty
        // Squared error of x_hat = z (identity decoder): 0.07^2 + 1 in row 1, 0.1^2 in row 2, averaged.
        Assert.Equal((0.07 * 0.07 + 1 + 0.01) / 2, terms.SquaredError.item<float>(), 5);
    }

    [Fact]
    public void The_threshold_gradient_of_the_loss_follows_the_chain_through_exp()
    {
        using var scope = NewDisposeScope();
        using var model = Model();
        model.train();
        model.forward(Pre()).Total.backward();
        float[] grad = Values(model.named_parameters().Single(p => p.name == "log_threshold").parameter.grad!);
        // d loss / d theta_j, batch mean of: 2 (z - x)_ij · d z_ij/d theta_j + lambda · (-1/eps) per window entry; times theta_j.
        // Window entries: (row 2, col 0) z - x = 0 - 0.1; (row 1, col 1) z - x = 0 - 0.07; (row 2, col 2) z - x = 0.
        double Expected(double theta, double residual) => theta * (2 * residual * -(theta / 0.1) + 0.5 * -(1 / 0.1)) / 2;
        Assert.Equal(Expected(0.12, -0.1), grad[0], 4);
        Assert.Equal(Expected(0.1, -0.07), grad[1], 4);
        Assert.Equal(Expected(0.25, 0), grad[2], 4);
    }
}
