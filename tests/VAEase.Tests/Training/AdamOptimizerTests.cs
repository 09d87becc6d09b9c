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
            using var twin = nn.Linear(4, 2);
            using var x = randn(8, 4);
            using var adam = new AdamOptimizer(model.parameters());
            void Backward(nn.Module<Tensor, Tensor> m, AdamOptimizer o)
            {
                o.ZeroGrad();
                m.forward(x).sum().backward();
            }
            Backward(model, adam);
            adam.Step(0.1);
            adam.Save(path);

            // A twin model with the same weights, whose optimizer restores the saved state, takes the same next step.
            using (no_grad())
                foreach (var (t, p) in twin.parameters().Zip(model.parameters())) t.copy_(p);
            using var copy = new AdamOptimizer(twin.parameters());
            copy.Load(path);
            Assert.Equal(1, copy.Steps);
            Backward(model, adam);
            adam.Step(0.1);
            Backward(twin, copy);
            copy.Step(0.1);
            foreach (var (t, p) in twin.parameters().Zip(model.parameters())) Assert.True(t.equal(p).all().item<bool>());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Parameters_and_gradients_are_views_of_the_flat_buffers_and_a_newer_optimizer_takes_them_over()
    {
        manual_seed(3);
        using var model = nn.Linear(3, 2);
        using var x = randn(5, 3);
        using var first = new AdamOptimizer(model.parameters());
        first.ZeroGrad();
        model.forward(x).sum().backward();
        // backward accumulated into the gradients the optimizer gave the parameters, and Step moves the parameters
        var before = model.parameters().Select(p => p.detach().clone()).ToArray();
        Assert.All(model.parameters(), p => Assert.True(p.grad!.abs().sum().item<float>() > 0));
        first.Step(0.1);
        Assert.All(model.parameters().Zip(before), pb => Assert.False(pb.First.equal(pb.Second).all().item<bool>()));
        first.ZeroGrad();
        Assert.All(model.parameters(), p => Assert.Equal(0f, p.grad!.abs().sum().item<float>()));

        using var second = new AdamOptimizer(model.parameters());
        Assert.Throws<InvalidOperationException>(() => first.Step(0.1));
        second.ZeroGrad();
        model.forward(x).sum().backward();
        second.Step(0.1);
    }

    [Fact]
    public void Restarting_entries_zeroes_their_first_moment_and_gives_them_the_mean_second_moment_of_the_others()
    {
        string path = Path.Combine(Path.GetTempPath(), $"vaease-adam-{Guid.NewGuid():N}.safetensors");
        try
        {
            manual_seed(4);
            using var model = nn.Linear(3, 2);
            using var x = randn(5, 3);
            using var adam = new AdamOptimizer(model.parameters());
            for (int step = 0; step < 3; step++)
            {
                adam.ZeroGrad();
                model.forward(x).square().sum().backward();
                adam.Step(0.01);
            }
            var weight = model.parameters().First(); // [2, 3], the first 6 entries of the flat buffers
            adam.Save(path);
            var before = VAEase.IO.SafeTensors.Read(path);
            using Tensor row0 = tensor(new[] { true, false }).unsqueeze(1).expand(2, 3).contiguous();
            adam.Restart(weight, row0);
            adam.Save(path);
            var after = VAEase.IO.SafeTensors.Read(path);

            float[] m0 = before["m"].data<float>().ToArray(), v0 = before["v"].data<float>().ToArray();
            float[] m1 = after["m"].data<float>().ToArray(), v1 = after["v"].data<float>().ToArray();
            float mean = (v0[3] + v0[4] + v0[5]) / 3;                    // row 1 of the weight, the entries kept
            for (int i = 0; i < 3; i++) { Assert.Equal(0f, m1[i]); Assert.Equal(mean, v1[i], 1e-6f * mean); }
            for (int i = 3; i < m0.Length; i++) { Assert.Equal(m0[i], m1[i]); Assert.Equal(v0[i], v1[i]); } // the rest untouched
            Assert.NotEqual(0f, m0[0]);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
