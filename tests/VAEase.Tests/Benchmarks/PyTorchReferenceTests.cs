using VAEase.Benchmarks;
using VAEase.Models;
using VAEase.Training;

namespace VAEase.Tests.Benchmarks;

/// <summary>bench/reference.py must build our models: the same parameter count and the same FLOPs per step
/// (counted there from the layers PyTorch runs). Runs where Debian's python3-torch is installed; with
/// VAEASE_REQUIRE_PYTORCH=1 a missing PyTorch fails instead of skipping.</summary>
public sealed class PyTorchReferenceTests
{
    [Fact]
    public void The_reference_builds_every_bench_model_with_our_parameter_count_and_step_flops()
    {
        string script = Path.Combine(AppContext.BaseDirectory, "bench", "reference.py");
        var (_, problem) = PyTorchReference.Probe(PyTorchReference.DefaultPython, script);
        if (problem is not null)
        {
            Assert.False(Environment.GetEnvironmentVariable("VAEASE_REQUIRE_PYTORCH") == "1", problem);
            return;
        }
        // A batch of 8 keeps the reference's counting forward pass short; FLOPs scale with the batch on both sides.
        BenchConfig[] configs = Enum.GetValues<ModelKind>().SelectMany(BenchConfig.Standard).Select(c => c with { BatchSize = 8 }).ToArray();
        var theirs = PyTorchReference.Describe(PyTorchReference.DefaultPython, script, configs);
        for (int i = 0; i < configs.Length; i++)
        {
            using var model = ModelFactory.Create(configs[i].Model);
            var ours = (model.parameters().Sum(p => p.numel()), StepCost.Flops(model, configs[i].BatchSize));
            Assert.True(ours == theirs[i], $"{configs[i].Name} {configs[i].Model.Kind}: ours {ours}, reference.py {theirs[i]}");
        }
    }
}
