using VAEase.Evaluation;
using VAEase.Models;
using VAEase.Tests.Training;
using VAEase.Training;

namespace VAEase.Tests.Models;

/// <summary>Short trainings of the two later SAEs on a small union (2 + 3 + 5 dims in R^20, 420 steps each).</summary>
public sealed class LaterSaeTrainingTests
{
    const string Union = "linear:d=20,dims=2+3+5,n=6000";

    static RunConfig Run(ModelKind kind, double l0 = 0.1)
    {
        RunConfig run = TrainingFixture.Run(kind, Union, epochs: 20, topK: 5, latent: 20);
        return run with { Model = run.Model with { L0 = l0 }, Training = run.Training with { BatchSize = 256, LearningRate = 0.01 } };
    }

    [Fact]
    public void Batchtopk_codes_test_samples_with_about_k_nonzeros_each_through_its_threshold_but_not_exactly_k()
    {
        var (result, report) = TrainingFixture.TrainAndEvaluate(Run(ModelKind.SaeBatchTopK));
        using var model = result.Model;
        Assert.InRange(report.L0, 4, 6);
        Assert.True(report.L0PerSample.Min < 5 && report.L0PerSample.Max > 5, $"L0 per sample {report.L0PerSample}: not adaptive");
        Assert.InRange(((SaeBatchTopK)model).Threshold, 1e-3, 10);
        Assert.True(report.Fvu < 0.05, $"FVU {report.Fvu}");
    }

    [Fact]
    public void Jumprelu_codes_get_sparser_as_the_l0_weight_grows()
    {
        var (sparse, sparseReport) = TrainingFixture.TrainAndEvaluate(Run(ModelKind.SaeJumpRelu, l0: 0.3));
        var (dense, denseReport) = TrainingFixture.TrainAndEvaluate(Run(ModelKind.SaeJumpRelu, l0: 0.01));
        using (sparse.Model)
        using (dense.Model)
        {
            Assert.True(sparseReport.L0 < denseReport.L0 - 1.5, $"L0 {sparseReport.L0} at lambda 0.3, {denseReport.L0} at 0.01");
            Assert.True(sparseReport.Fvu > denseReport.Fvu, "fewer nonzeros should cost reconstruction");
            Assert.True(denseReport.Fvu < 0.05, $"FVU {denseReport.Fvu}");
        }
    }
}
