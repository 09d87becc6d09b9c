using TorchSharp;
using VAEase.Intrinsic;

namespace VAEase.Tests.Intrinsic;

public sealed class DimensionEstimationTests
{
    [Fact]
    public void A_method_list_parses_into_estimators_with_their_defaults()
    {
        var estimators = DimensionEstimation.Parse(" lpca, MLE ,twonn");

        Assert.Equal(["lpca", "mle", "twonn"], estimators.Select(e => e.Name));
        Assert.Equal([100, 20, 2], estimators.Select(e => e.Neighbours));
    }

    [Fact]
    public void An_unknown_method_lists_the_known_ones()
    {
        var e = Assert.Throws<VAEaseException>(() => DimensionEstimation.Parse("lpca,danco"));
        Assert.Equal("unknown ID method 'danco' (expected one of: lpca, mle, twonn)", e.Message);
    }

    [Fact]
    public void More_points_than_the_limit_throw_a_one_line_message_suggesting_a_subsample()
    {
        using var data = IntrinsicData.Pieces(6, [2], 500, seed: 7, gaussian: true);

        var e = Assert.Throws<VAEaseException>(() => DimensionEstimation.Run(data, new TwoNn(), new NeighbourSearchConfig { MaxPoints = 100 }));

        Assert.Equal("pieces:2: 500 points exceed the exact k-NN limit of 100 (all n^2 distances are computed); subsample to at most 100 points", e.Message);
    }

    [Fact]
    public void A_subsample_runs_on_a_seeded_subset_kept_in_data_order()
    {
        using var data = IntrinsicData.Pieces(6, [2, 3], 250, seed: 8, gaussian: true);
        var search = new NeighbourSearchConfig { MaxPoints = 100, Subsample = 100, Seed = 3 };

        DimensionEstimate first = DimensionEstimation.Run(data, new LevinaBickelMle(), search);
        DimensionEstimate again = DimensionEstimation.Run(data, new LevinaBickelMle(), search);
        DimensionEstimate other = DimensionEstimation.Run(data, new LevinaBickelMle(), search with { Seed = 4 });

        Assert.Equal(100, first.Points);
        Assert.Equal(100, first.Rows!.Length);
        Assert.Equal(first.Rows.Order(), first.Rows);
        Assert.Equal(first.Rows, again.Rows);
        Assert.NotEqual(first.Rows, other.Rows);
        Assert.Equal(first.PerPoint, again.PerPoint);
        Assert.Equal(first.Rows.LongCount(r => data.Labels![r] == 1), first.GroupCounts![1]);
    }

    [Fact]
    public void A_subsample_above_the_limit_is_an_invalid_setting()
    {
        var e = Assert.Throws<ArgumentException>(() => new NeighbourSearchConfig { MaxPoints = 10, Subsample = 11 }.Validate());
        Assert.Equal("Subsample", e.ParamName);
    }

    [Fact]
    public void Estimating_leaves_the_number_of_live_tensors_flat()
    {
        using var data = IntrinsicData.Pieces(10, [2, 4], 300, seed: 9, gaussian: true);
        // A subsample (owned points) and blocks of a few rows, so every path allocates repeatedly.
        var search = new NeighbourSearchConfig { Subsample = 500, BlockBytes = 200_000 };
        long Live() => DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        DimensionEstimation.Run(data, DimensionEstimation.Parse("lpca,mle,twonn"), search);

        long before = Live();
        DimensionEstimation.Run(data, DimensionEstimation.Parse("lpca,mle,twonn"), search);

        Assert.Equal(before, Live());
    }
}
