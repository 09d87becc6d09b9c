using TorchSharp;
using TorchSharp.Modules;
using VAEase.Training;
using static TorchSharp.torch;

namespace VAEase.Tests.Training;

public sealed class AdamOptimizerTests
{
    [Fact]
    public void Flat_adam_follows_torchsharps_per_parameter_adam()
    {
        manual_seed(1);
        using var ours = nn.Linear(5, 3);
        using var reference = nn.Linear(5, 3);
        reference.load_state_dict(ours.state_dict());
        using var flat = new AdamOptimizer(ours.parameters());
        using var plain = optim.Adam(reference.parameters(), 0.01);
        using var x = randn(16, 5);
        for (int step = 0; step < 6; step++)
        {
            double lr = 0.01 / (step + 1);
            foreach (var group in plain.ParamGroups) group.LearningRate = lr;
            plain.zero_grad();
            reference.forward(x).square().sum().backward();
            plain.step();
            flat.ZeroGrad();
            ours.forward(x).square().sum().backward();
            flat.Step(lr);
        }
        foreach (var ((name, a), (_, b)) in ours.named_parameters().Zip(reference.named_parameters()))
            Assert.True(a.allclose(b, rtol: 1e-5, atol: 1e-7), $"{name} differs");
        Assert.Equal(6, flat.Steps);
    }

    [Fact]
    public void Saved_state_restores_the_moments_and_step()
    {
        string path = Path.Combine(Path.GetTempPath(), $"vaease-adam-{Guid.NewGuid():N}.safetensors");
        try
        {
            manual_seed(2);
            using var model = nn.Linear(4, 2);
            using var x = randn(8, 4);
            using var adam = new AdamOptimizer(model.parameters());
            adam.ZeroGrad();
            model.forward(x).sum().backward();
            adam.Step(0.1);
            adam.Save(path);
            using var copy = new AdamOptimizer(model.parameters());
            copy.Load(path);
            Assert.Equal(1, copy.Steps);

            var before = model.parameters().Select(p => p.detach().clone()).ToArray();
            adam.Step(0.1);
            var afterOriginal = model.parameters().Select(p => p.detach().clone()).ToArray();
            using (no_grad())
                foreach (var (p, b) in model.parameters().Zip(before)) p.copy_(b);
            copy.Step(0.1);
            foreach (var (p, a) in model.parameters().Zip(afterOriginal)) Assert.True(p.equal(a).all().item<bool>());
        }
        finally
        {
            File.Delete(path);
        }
    }
}
