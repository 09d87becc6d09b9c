using static VAEase.Tests.TensorAssert;
using VAEase.Data;
using static TorchSharp.torch;

namespace VAEase.Tests.Data;

public sealed class NormalizationTests : IDisposable
{
    private readonly Plotting.TempFolder dir = new();

    public void Dispose() => dir.Dispose();

    [Fact]
    public void Statistics_streamed_block_by_block_equal_the_in_memory_mean_and_scale_of_the_training_rows()
    {
        using Dataset union = SyntheticUnion.LinearUnion(8, [3, 3], 3000, seed: 5);
        using Tensor shifted = union.X * 0.5f + 100f; // a large mean against the spread: no cancellation allowed
        string path = dir.File("x.npy");
        NpyReader.Write(path, shifted);
        using var mapped = DataSpec.OpenMapped($"npy:{path}");
        var (trainBlocks, _) = StreamOrder.Split(mapped.Rows, 64, 0.1, 1, "x");
        using Normalization streamed = Normalization.Compute(NormalizeMode.CenterScale, 8, add => StreamedRows.ForEachBlock(mapped, trainBlocks, 64, add))!;

        using Dataset train = mapped.Load([.. trainBlocks.Select(b => StreamOrder.Block(b, mapped.Rows, 64))]);
        using Tensor x = train.X.to_type(ScalarType.Float64);
        using Tensor mean = x.mean([0]);
        double scale = Math.Sqrt((x - mean).square().mean().item<double>());
        Assert.Equal(train.Count, streamed.Rows);
        Assert.True(streamed.Mean.to_type(ScalarType.Float64).allclose(mean, rtol: 0, atol: 1e-5), "means differ");
        Assert.Equal(scale, streamed.Scale, 1e-5 * scale);

        streamed.Apply(train.X);
        Assert.True(train.X.mean([0]).abs().max().item<float>() < 1e-3);
        Assert.Equal(1.0, train.X.square().mean().item<float>(), 1e-3);
    }

    [Fact]
    public void Saved_statistics_load_back_and_center_leaves_the_scale_at_one()
    {
        using Dataset union = SyntheticUnion.LinearUnion(4, [2], 500, seed: 1);
        using Normalization center = Normalization.Of(NormalizeMode.Center, union.X)!;
        Assert.Equal(1f, center.Scale);
        center.Save(dir.Path);
        using Normalization loaded = Normalization.Load(dir.Path, NormalizeMode.Center, 4)!;
        Assert.True(Same(loaded.Mean, center.Mean));
        Assert.Null(Normalization.Of(NormalizeMode.None, union.X));
        var wrongDim = Assert.Throws<VAEaseException>(() => Normalization.Load(dir.Path, NormalizeMode.Center, 5));
        Assert.EndsWith("tensor 'mean' has shape [4], but a center normalisation of rows of d = 5 needs [5]", wrongDim.Message);
    }
}
