using VAEase.IO;
using VAEase.Models;
using VAEase.Networks;

namespace VAEase.Tests.Training;

public sealed class EndToEndTests
{
    const string TwoPieces = "linear:d=12,dims=2+3,n=20000,seed=3";

    [Fact]
    public void Vaease_recovers_each_piece_dimension_of_a_two_piece_linear_union()
    {
        var (result, report) = TrainingFixture.TrainAndEvaluate(TrainingFixture.Run(ModelKind.VAEase, TwoPieces, epochs: 60, latent: 20));
        using var model = result.Model;
        Assert.Equal(2.0, report.MedianActiveDimsPerGroup![0]);
        Assert.Equal(3.0, report.MedianActiveDimsPerGroup[1]);
        Assert.True(report.Fvu < 0.01, $"FVU {report.Fvu}");
        Assert.True(result.Model.LogGamma < -2, $"log gamma {result.Model.LogGamma}: gamma should shrink towards 0");
    }

    [Fact]
    public void Vaease_trained_with_bf16_products_recovers_the_same_piece_dimensions_and_records_the_precision()
    {
        var run = TrainingFixture.Run(ModelKind.VAEase, TwoPieces, epochs: 60, latent: 20);
        run = run with { Training = run.Training with { MatmulPrecision = MatmulPrecision.BFloat16 } };
        var (result, report) = TrainingFixture.TrainAndEvaluate(run);
        using var model = result.Model;
        Assert.Equal(2.0, report.MedianActiveDimsPerGroup![0]);
        Assert.Equal(3.0, report.MedianActiveDimsPerGroup[1]);
        Assert.True(report.Fvu < 0.01, $"FVU {report.Fvu}");
        Assert.Contains("\"matmul_precision\": \"bf16\"", Json.Serialize(run));
    }

    [Fact]
    public void Sae_topk_with_k_of_the_larger_piece_does_not_separate_the_pieces_per_sample()
    {
        var (result, report) = TrainingFixture.TrainAndEvaluate(TrainingFixture.Run(ModelKind.SaeTopK, TwoPieces, epochs: 30, topK: 3, latent: 20));
        using var model = result.Model;
        Assert.Equal(3.0, report.NonzeroPerSample!.Median); // k codes for every point, whatever its piece
        var medians = report.MedianActiveDimsPerGroup!;
        Assert.False(medians[0] == 2 && medians[1] == 3, $"per-piece medians {medians[0]}/{medians[1]}");
    }

    [Fact]
    public void A_linear_vae_on_an_r_dim_subspace_has_r_active_dims()
    {
        // Appendix E.5: at the optimum of the linear VAE, Sigma_z^-1 = W^T W / gamma + I, so exactly
        // rank(data) = r directions have sigma -> 0 as gamma -> 0 and the rest stay at the prior.
        var run = TrainingFixture.Run(ModelKind.Vae, "linear:d=10,dims=3,n=12000,seed=5", epochs: 40);
        run = run with { Model = run.Model with { Encoder = EncoderKind.Linear, Decoder = DecoderKind.Linear } };
        var (result, report) = TrainingFixture.TrainAndEvaluate(run);
        using var model = result.Model;
        Assert.Equal(3, report.ActiveDimsPerGroup![0]);
        Assert.Equal(3.0, report.ActiveDimsPerSample.Min);
        Assert.Equal(3.0, report.ActiveDimsPerSample.Max);
        Assert.True(report.Fvu < 1e-3, $"FVU {report.Fvu}");
    }
}
