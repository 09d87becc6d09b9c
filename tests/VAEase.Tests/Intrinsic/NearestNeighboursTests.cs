using TorchSharp;
using VAEase.Intrinsic;
using static TorchSharp.torch;

namespace VAEase.Tests.Intrinsic;

public sealed class NearestNeighboursTests
{
    [Fact]
    public void Block_search_equals_a_brute_force_double_loop()
    {
        const int n = 157, d = 7, k = 6;
        using var g = new Generator(3);
        using var x = randn([n, d], generator: g);
        x[40].copy_(x[3]);                                         // one duplicate pair
        float[] rows = x.data<float>().ToArray();

        var (distances, indices) = NearestNeighbours.Search(x, k, rowsPerBlock: 16);   // 10 blocks, the last partial

        for (int i = 0; i < n; i++)
        {
            var expected = Enumerable.Range(0, n).Where(j => j != i)
                .Select(j => (Index: (long)j, Distance: Distance(rows, d, i, j)))
                .OrderBy(p => p.Distance).Take(k).ToArray();
            for (int j = 0; j < k; j++)
            {
                Assert.Equal(expected[j].Index, indices[i * k + j]);
                Assert.Equal(expected[j].Distance, distances[i * k + j], 1e-12);
            }
        }
    }

    [Fact]
    public void A_point_is_not_its_own_neighbour_but_its_duplicate_is_at_distance_zero()
    {
        using var x = tensor(new float[] { 0, 0, 1, 0, 0, 0, 5, 5 }).view(4, 2);   // rows 0 and 2 coincide

        var (distances, indices) = NearestNeighbours.Search(x, 1);

        Assert.Equal([2L, 0L, 0L, 1L], indices);
        Assert.Equal([0.0, 1.0, 0.0, Math.Sqrt(41)], distances);
    }

    [Fact]
    public void A_k_not_below_the_point_count_is_refused()
    {
        using var x = zeros(5, 2);
        var e = Assert.Throws<VAEaseException>(() => NearestNeighbours.Search(x, 5));
        Assert.Contains("k=5", e.Message);
    }

    static double Distance(float[] rows, int d, int i, int j)
    {
        double sum = 0;
        for (int c = 0; c < d; c++)
        {
            double diff = (double)rows[i * d + c] - rows[j * d + c];
            sum += diff * diff;
        }
        return Math.Sqrt(sum);
    }
}
