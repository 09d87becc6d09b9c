using TorchSharp;
using VAEase.Data;
using VAEase.Intrinsic;
using VAEase.IO;
using static TorchSharp.torch;

namespace VAEase.Tests.Intrinsic;

/// <summary>lPCA, MLE and TwoNN with their defaults (k = 100 / 0.05, k = 20, discard 10%) on seeded
/// linear pieces in R^20 (<see cref="IntrinsicData"/>). Measured values are in the comments.</summary>
public sealed class DimensionEstimatorTests
{
    static readonly IReadOnlyList<IDimensionEstimator> All = DimensionEstimation.Parse("lpca,mle,twonn");

    [Fact]
    public void Every_method_finds_five_dimensions_in_a_gaussian_cloud_on_a_5_dim_subspace_of_R20()
    {
        using var data = IntrinsicData.Pieces(20, [5], 2000, seed: 1, gaussian: true);

        var (lpca, mle, twonn) = Three(DimensionEstimation.Run(data, All));

        Assert.All(lpca.PerPoint!, v => Assert.Equal(5.0, v));     // noiseless and linear: exact at every point
        Assert.Equal(5.0, mle.Dimension, 0.25);                     // measured 4.999
        Assert.Equal(5.0, twonn.Dimension, 0.25);                   // measured 4.892
        Assert.Null(twonn.PerPoint);
    }

    [Fact]
    public void In_a_5_cube_lpca_is_exact_and_the_distance_methods_land_within_one()
    {
        using var data = IntrinsicData.Pieces(20, [5], 2000, seed: 1, gaussian: false);

        var (lpca, mle, twonn) = Three(DimensionEstimation.Run(data, All));

        Assert.All(lpca.PerPoint!, v => Assert.Equal(5.0, v));
        Assert.Equal(5.0, mle.Dimension, 1.0);                      // measured 4.454: the cube's faces bias both low
        Assert.Equal(5.0, twonn.Dimension, 1.0);                    // measured 4.391
    }

    [Fact]
    public void Per_group_estimates_separate_a_2_dim_and_a_6_dim_piece()
    {
        using var data = IntrinsicData.Pieces(20, [2, 6], 1000, seed: 2, gaussian: true);

        var (lpca, mle, twonn) = Three(DimensionEstimation.Run(data, All));

        Assert.Equal(new SortedDictionary<long, double> { [0] = 2.0, [1] = 6.0 }, lpca.PerGroup);
        Assert.Equal(2.0, mle.PerGroup![0], 0.5);                   // measured 2.053
        Assert.Equal(6.0, mle.PerGroup![1], 0.5);                   // measured 5.764
        Assert.Equal(2.0, twonn.PerGroup![0], 0.5);                 // measured 2.127
        Assert.Equal(6.0, twonn.PerGroup![1], 0.5);                 // measured 5.815
        Assert.Equal(1000L, mle.GroupCounts![1]);
        Assert.Equal(4.0, lpca.Dimension);                          // the global figure mixes both pieces
    }

    [Fact]
    public void Mle_aggregates_per_point_estimates_by_the_mean_of_their_inverses()
    {
        using var data = IntrinsicData.Pieces(20, [3], 300, seed: 4, gaussian: true);
        using var graph = NeighbourGraph.Build(data, 20, new NeighbourSearchConfig());

        DimensionEstimate mle = new LevinaBickelMle(k: 20).Estimate(graph);

        for (int i = 0; i < 300; i += 37)
        {
            double[] t = graph.Distances[(i * 20)..(i * 20 + 20)];
            double expected = 19 / Enumerable.Range(0, 19).Sum(j => Math.Log(t[19] / t[j]));
            Assert.Equal(expected, mle.PerPoint![i], 1e-12);
        }
        Assert.Equal(1 / mle.PerPoint!.Average(m => 1 / m), mle.Dimension, 1e-12);
    }

    [Fact]
    public void Twonn_fits_the_slope_through_the_origin_on_the_kept_ratios()
    {
        // N = 4 ratios, discard 10%: keep floor(3.6) = 3 smallest, F = 1/4, 2/4, 3/4.
        double[] mu = [4.0, 1.5, 2.0, 3.0];
        double[] x = [Math.Log(1.5), Math.Log(2), Math.Log(3)];
        double[] y = [-Math.Log(0.75), -Math.Log(0.5), -Math.Log(0.25)];
        double expected = x.Zip(y, (a, b) => a * b).Sum() / x.Sum(a => a * a);

        Assert.Equal(expected, new TwoNn().Fit([.. mu]), 1e-12);
    }

    [Fact]
    public void Duplicate_points_are_dropped_and_counted_by_mle_and_twonn()
    {
        using var clean = IntrinsicData.Pieces(20, [5], 1000, seed: 5, gaussian: true);
        using var copies = clean.X.narrow(0, 0, 10).clone();
        using var data = new Dataset(cat([clean.X, copies], 0), null, "with-duplicates");

        var (lpca, mle, twonn) = Three(DimensionEstimation.Run(data, All));

        Assert.Equal(0, lpca.Dropped);
        Assert.Equal(20, mle.Dropped);                              // each copy and its original
        Assert.Equal(20, twonn.Dropped);
        Assert.Equal(20, mle.PerPoint!.Count(double.IsNaN));
        Assert.Equal(5.0, mle.Dimension, 0.5);
        Assert.Equal(5.0, twonn.Dimension, 0.5);
        Assert.Null(mle.PerGroup);
    }

    [Fact]
    public void An_estimate_serialises_to_snake_case_json()
    {
        using var data = IntrinsicData.Pieces(20, [2, 3], 100, seed: 6, gaussian: true);

        string json = Json.Serialize(DimensionEstimation.Run(data, new TwoNn()));

        Assert.Contains("\"per_group\"", json);
        Assert.Contains("\"discard_fraction\": 0.1", json);
        Assert.Contains("\"method\": \"twonn\"", json);
    }

    static (DimensionEstimate, DimensionEstimate, DimensionEstimate) Three(IReadOnlyList<DimensionEstimate> e) => (e[0], e[1], e[2]);
}
