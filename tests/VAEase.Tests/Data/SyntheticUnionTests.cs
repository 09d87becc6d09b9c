using TorchSharp;
using VAEase.Data;
using Xunit;
using static TorchSharp.torch;

namespace VAEase.Tests.Data;

/// <summary>The synthetic unions of IMPLEMENTATION.md §3: geometry of each piece, label
/// frequencies, determinism, argument checks, and the vectorised generators against a plain
/// per-point computation that replays the same generator draws.</summary>
public sealed class SyntheticUnionTests
{
    [Fact]
    public void Linear_union_points_lie_in_their_piece_subspace()
    {
        int[] dims = [2, 3, 4];
        using var data = SyntheticUnion.LinearUnion(12, dims, 3000, seed: 5);

        for (int i = 0; i < dims.Length; i++)
        {
            using var rows = RowsOf(data, i);
            AssertRank(rows, dims[i]);
        }
        AssertRank(data.X, dims.Sum());           // sum(dims) <= d: the index sets are disjoint
    }

    [Fact]
    public void Linear_union_with_overlapping_pieces_keeps_each_piece_at_its_dimension()
    {
        int[] dims = [4, 4, 3];                   // sum 11 > d = 6: index sets drawn per piece
        using var data = SyntheticUnion.LinearUnion(6, dims, 2000, seed: 2);

        for (int i = 0; i < dims.Length; i++)
        {
            using var rows = RowsOf(data, i);
            AssertRank(rows, dims[i]);
        }
    }

    [Fact]
    public void Linear_union_picks_each_piece_with_roughly_equal_frequency()
    {
        using var data = SyntheticUnion.LinearUnion(8, [1, 2, 3], 30_000, seed: 3);

        Assert.Equal(new long[] { 30_000, 8 }, data.X.shape);
        Assert.Equal(ScalarType.Float32, data.X.dtype);
        var counts = data.Labels!.GroupBy(l => l).ToDictionary(grp => grp.Key, grp => grp.Count());
        Assert.Equal(new long[] { 0, 1, 2 }, counts.Keys.Order());
        foreach (int count in counts.Values)
            Assert.InRange(count / 30_000.0, 1 / 3.0 - 0.02, 1 / 3.0 + 0.02);
    }

    [Theory]
    [InlineData(7, new[] { 2, 3 }, 50L, 11L)]
    [InlineData(5, new[] { 4, 3 }, 20L, 12L)]                               // overlapping index sets
    [InlineData(3, new[] { 1, 2 }, SyntheticUnion.ChunkRows + 7L, 13L)]     // spans two chunks
    public void Linear_union_matches_a_plain_per_point_computation(int d, int[] dims, long n, long seed)
    {
        using var data = SyntheticUnion.LinearUnion(d, dims, n, seed);
        var (expected, labels) = PlainLinear(d, dims, n, seed);

        Assert.Equal(labels, data.Labels);
        AssertClose(expected, data.X);
    }

    [Theory]
    [InlineData(6, new[] { 2, 3, 1 }, 31L, 21L)]
    [InlineData(3, new[] { 1, 2 }, 2 * SyntheticUnion.ChunkRows + 3L, 22L)]   // spans chunks in each piece
    public void Mlp_union_matches_a_plain_per_point_computation_with_slope_0_2(int d, int[] dims, long n, long seed)
    {
        using var data = SyntheticUnion.MlpUnion(d, dims, n, seed);
        var plain = PlainMlp(d, dims, n, seed, slope: 0.2);

        Assert.Equal(plain.Labels, data.Labels);
        AssertClose(plain.X, data.X);
    }

    [Fact]
    public void Mlp_union_with_another_leaky_slope_would_give_different_points()
    {
        int d = 6; int[] dims = [2, 3, 1]; long n = 31, seed = 21;
        using var data = SyntheticUnion.MlpUnion(d, dims, n, seed);
        var other = PlainMlp(d, dims, n, seed, slope: 0.01);

        Assert.False(IsClose(other.X, data.X));
    }

    [Fact]
    public void Mlp_union_gives_equal_counts_per_piece_with_the_remainder_to_the_first_pieces()
    {
        using var data = SyntheticUnion.MlpUnion(10, [1, 2, 3, 4], 1003, seed: 4);

        Assert.Equal(new long[] { 1003, 10 }, data.X.shape);
        var counts = Enumerable.Range(0, 4).Select(i => data.Labels!.Count(l => l == i));
        Assert.Equal([251, 251, 251, 250], counts);
    }

    [Fact]
    public void Mlp_union_shuffles_rows_so_pieces_are_interleaved()
    {
        using var data = SyntheticUnion.MlpUnion(5, [2, 2], 200, seed: 6);

        long[] labels = data.Labels!;
        int switches = Enumerable.Range(1, labels.Length - 1).Count(j => labels[j] != labels[j - 1]);
        Assert.True(switches > 50, $"only {switches} label changes between consecutive rows");
    }

    [Fact]
    public void Mlp_piece_is_a_nonlinear_function_of_its_r_latents_in_an_r_dim_affine_subspace()
    {
        // x = LeakyReLU(z A + a) B + b with B [r, d]: x - b lies in the r-dim row space of B,
        // but x is not an affine function of z (the LeakyReLU kink).
        int d = 10; long n = 400, seed = 8;
        using var data = SyntheticUnion.MlpUnion(d, [2], n, seed);
        var plain = PlainMlp(d, [2], n, seed, slope: 0.2);

        using var x = data.X.to(ScalarType.Float64);
        using var centred = x - x.mean([0], keepdim: true);
        AssertRank(centred, 2);

        using var latents = tensor(plain.Z, [n, 2]);
        using var design = cat([latents, ones([n, 1], ScalarType.Float64)], 1);  // [n, r + 1]
        using var fit = linalg.lstsq(design, x).Solution;                        // [r + 1, d]
        using var residual = x - design.matmul(fit);
        double relative = residual.norm().item<double>() / centred.norm().item<double>();
        Assert.True(relative > 0.01, $"x is affine in z (relative residual {relative:g3})");
    }

    [Fact]
    public void Same_seed_gives_identical_data_and_another_seed_different_data()
    {
        using var linearA = SyntheticUnion.LinearUnion(9, [2, 3], 500, seed: 1);
        using var linearB = SyntheticUnion.LinearUnion(9, [2, 3], 500, seed: 1);
        using var linearC = SyntheticUnion.LinearUnion(9, [2, 3], 500, seed: 2);
        using var mlpA = SyntheticUnion.MlpUnion(9, [2, 3], 500, seed: 1);
        using var mlpB = SyntheticUnion.MlpUnion(9, [2, 3], 500, seed: 1);
        using var mlpC = SyntheticUnion.MlpUnion(9, [2, 3], 500, seed: 2);

        Assert.True(linearA.X.data<float>().SequenceEqual(linearB.X.data<float>()));
        Assert.Equal(linearA.Labels, linearB.Labels);
        Assert.False(linearA.X.data<float>().SequenceEqual(linearC.X.data<float>()));
        Assert.True(mlpA.X.data<float>().SequenceEqual(mlpB.X.data<float>()));
        Assert.Equal(mlpA.Labels, mlpB.Labels);
        Assert.False(mlpA.X.data<float>().SequenceEqual(mlpC.X.data<float>()));
    }

    [Fact]
    public void Generators_name_the_data_by_its_canonical_spec()
    {
        using var linear = SyntheticUnion.LinearUnion(9, [2, 3], 50, seed: 4);
        using var mlp = SyntheticUnion.MlpUnion(9, [2, 3], 50, seed: 4);

        Assert.Equal("linear:d=9,dims=2+3,n=50,seed=4", linear.Name);
        Assert.Equal("mlp:d=9,dims=2+3,n=50,seed=4", mlp.Name);
    }

    [Fact]
    public void Generators_leave_no_live_tensors_behind()
    {
        SyntheticUnion.LinearUnion(6, [2, 3], 100, seed: 1).Dispose();     // warm up lazy state
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        SyntheticUnion.LinearUnion(6, [2, 3], 100, seed: 1).Dispose();
        SyntheticUnion.MlpUnion(6, [2, 3], 100, seed: 1).Dispose();

        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    [Theory]
    [InlineData(0, new[] { 1 }, 10L)]
    [InlineData(5, new int[0], 10L)]
    [InlineData(5, new[] { 2, 6 }, 10L)]
    [InlineData(5, new[] { 0 }, 10L)]
    [InlineData(5, new[] { 1, 2, 3 }, 2L)]
    public void Invalid_arguments_throw_a_VAEaseException(int d, int[] dims, long n)
    {
        Assert.Throws<VAEaseException>(() => SyntheticUnion.LinearUnion(d, dims, n, seed: 1));
        Assert.Throws<VAEaseException>(() => SyntheticUnion.MlpUnion(d, dims, n, seed: 1));
    }

    // ---- plain reference paths: same generator draws, same order, per-point loops in double ----

    private static (double[,] X, long[] Labels) PlainLinear(int d, int[] dims, long n, long seed)
    {
        using var g = new Generator((ulong)seed);
        double[,] a = Matrix(randn([d, d], generator: g), d, d);
        var sets = new List<long[]>();
        if (dims.Sum() <= d)
        {
            using var perm = randperm(d, generator: g);
            long[] p = perm.data<long>().ToArray();
            int offset = 0;
            foreach (int r in dims) { sets.Add(p[offset..(offset + r)]); offset += r; }
        }
        else
        {
            foreach (int r in dims)
            {
                using var perm = randperm(d, generator: g);
                sets.Add(perm.data<long>().ToArray()[..r]);
            }
        }
        using var labelTensor = randint(dims.Length, [n], dtype: ScalarType.Int64, generator: g);
        long[] labels = labelTensor.data<long>().ToArray();

        var x = new double[n, d];
        for (long start = 0; start < n; start += SyntheticUnion.ChunkRows)
        {
            long m = Math.Min(SyntheticUnion.ChunkRows, n - start);
            double[,] z = Matrix(randn([m, d], generator: g), m, d);
            for (long row = 0; row < m; row++)
                for (int k = 0; k < d; k++)
                    foreach (long j in sets[(int)labels[start + row]])
                        x[start + row, k] += a[k, j] * z[row, j];
        }
        return (x, labels);
    }

    private sealed record PlainMlpData(double[,] X, long[] Labels, double[] Z);

    /// <summary>Z holds each row's latents (row-major, only meaningful when all dims are equal).</summary>
    private static PlainMlpData PlainMlp(int d, int[] dims, long n, long seed, double slope)
    {
        using var g = new Generator((ulong)seed);
        var weights = dims.Select(r => (
            A: Matrix(randn([r, r], generator: g), r, r),
            a: Vector(randn([r], generator: g)),
            B: Matrix(randn([r, d], generator: g), r, d),
            b: Vector(randn([d], generator: g)))).ToArray();
        using var permTensor = randperm(n, generator: g);
        long[] perm = permTensor.data<long>().ToArray();

        var x = new double[n, d];
        var labels = new long[n];
        var latents = new double[n * dims.Max()];
        long offset = 0;
        for (int i = 0; i < dims.Length; i++)
        {
            int r = dims[i];
            var (A, a, B, b) = weights[i];
            long count = n / dims.Length + (i < n % dims.Length ? 1 : 0);
            for (long start = 0; start < count; start += SyntheticUnion.ChunkRows)
            {
                long m = Math.Min(SyntheticUnion.ChunkRows, count - start);
                double[,] z = Matrix(randn([m, r], generator: g), m, r);
                for (long row = 0; row < m; row++)
                {
                    long dest = perm[offset + start + row];
                    labels[dest] = i;
                    for (int l = 0; l < r; l++) latents[dest * r + l] = z[row, l];
                    for (int c = 0; c < d; c++)
                    {
                        double value = b[c];
                        for (int k = 0; k < r; k++)
                        {
                            double h = a[k];
                            for (int l = 0; l < r; l++) h += z[row, l] * A[l, k];
                            value += (h > 0 ? h : slope * h) * B[k, c];
                        }
                        x[dest, c] = value;
                    }
                }
            }
            offset += count;
        }
        return new PlainMlpData(x, labels, latents);
    }

    // ---- helpers ----

    private static double[,] Matrix(Tensor t, long rows, long cols)
    {
        using (t)
        {
            float[] values = t.data<float>().ToArray();
            var m = new double[rows, cols];
            for (long i = 0; i < rows; i++)
                for (long j = 0; j < cols; j++)
                    m[i, j] = values[i * cols + j];
            return m;
        }
    }

    private static double[] Vector(Tensor t)
    {
        using (t) return Array.ConvertAll(t.data<float>().ToArray(), v => (double)v);
    }

    private static bool IsClose(double[,] expected, Tensor actual)
    {
        float[] values = actual.data<float>().ToArray();
        int cols = expected.GetLength(1);
        for (int i = 0; i < expected.GetLength(0); i++)
            for (int j = 0; j < cols; j++)
                if (Math.Abs(values[i * cols + j] - expected[i, j]) > 1e-4 * (1 + Math.Abs(expected[i, j])))
                    return false;
        return true;
    }

    private static void AssertClose(double[,] expected, Tensor actual)
    {
        Assert.Equal(new long[] { expected.GetLength(0), expected.GetLength(1) }, actual.shape);
        Assert.True(IsClose(expected, actual), "fast and plain paths differ");
    }

    private static Tensor RowsOf(Dataset data, int piece)
    {
        long[] rows = Enumerable.Range(0, data.Labels!.Length).Where(j => data.Labels[j] == piece).Select(j => (long)j).ToArray();
        using var index = tensor(rows);
        return data.X.index_select(0, index);
    }

    /// <summary>Exactly <paramref name="rank"/> singular values clearly non-zero, the rest at
    /// float32 round-off.</summary>
    private static void AssertRank(Tensor rows, int rank)
    {
        using var asDouble = rows.to(ScalarType.Float64);
        using var sv = linalg.svdvals(asDouble);
        double[] s = sv.data<double>().ToArray();
        Assert.True(s[rank - 1] > 1e-2 * s[0], $"singular value {rank - 1} is {s[rank - 1]:g3} of {s[0]:g3}");
        if (rank < s.Length)
            Assert.True(s[rank] < 1e-5 * s[0], $"singular value {rank} is {s[rank]:g3} of {s[0]:g3}");
    }

    [Fact]
    public void The_linear_union_written_chunk_by_chunk_is_the_generated_one_bit_for_bit()
    {
        string path = Path.Combine(Path.GetTempPath(), $"vaease-union-{Guid.NewGuid():N}.npy");
        try
        {
            long n = SyntheticUnion.ChunkRows + 100; // two chunks
            long[] labels = SyntheticUnion.WriteLinearUnion(path, 3, [1, 2], n, seed: 9);
            using Dataset generated = SyntheticUnion.LinearUnion(3, [1, 2], n, seed: 9);
            using Tensor written = NpyReader.ReadMatrix(path);
            Assert.True(VAEase.Tests.TensorAssert.Same(generated.X, written));
            Assert.Equal(generated.Labels, labels);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
