using VAEase.Data;
using VAEase.Tests.Plotting;
using static TorchSharp.torch;
using static VAEase.Tests.Data.NpyReaderTests;

namespace VAEase.Tests.Data;

/// <summary>A Fortran-order .npy (fortran_order: True, the data column by column) reads as the matrix NumPy shows, loaded
/// or streamed a row range at a time, in every float dtype.</summary>
public sealed class FortranOrderTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    /// <summary>a[i, j] = 10 i + j for a [4, 3] matrix, as NumPy shows it.</summary>
    private static float[] Expected(int rows, int cols) => [.. Enumerable.Range(0, rows * cols).Select(k => 10f * (k / cols) + k % cols)];

    /// <summary>The same matrix as np.asfortranarray stores it: column 0 (rows 0..n-1), then column 1, ...</summary>
    private static float[] ColumnByColumn(int rows, int cols) => [.. Enumerable.Range(0, rows * cols).Select(k => 10f * (k % rows) + k / rows)];

    private string Save(string name, byte[] content)
    {
        string path = Path.Combine(folder.Path, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    [Theory]
    [InlineData("<f4")]
    [InlineData("<f2")]
    [InlineData("<f8")]
    public void A_fortran_order_matrix_reads_as_numpy_shows_it(string descr)
    {
        float[] stored = ColumnByColumn(4, 3);
        byte[] data = descr switch
        {
            "<f4" => Bytes(stored),
            "<f2" => Bytes(stored.Select(v => (Half)v).ToArray()),
            _ => Bytes(stored.Select(v => (double)v).ToArray()),
        };
        string path = Save("f.npy", Npy(Dict(descr, "(4, 3)", fortran: true), data));

        using Tensor x = NpyReader.ReadMatrix(path);
        using Dataset loaded = DataSpec.Load($"npy:{path}");

        Assert.Equal([4L, 3L], x.shape);
        Assert.Equal(Expected(4, 3), x.data<float>().ToArray());
        Assert.Equal(Expected(4, 3), loaded.X.data<float>().ToArray());
        var info = DataSpec.Describe($"npy:{path}");
        Assert.Equal(("npy", 3, 4L), (info.Family, info.Dim, info.Count));
    }

    [Fact]
    public void A_streamed_fortran_order_matrix_serves_any_row_range_with_its_values()
    {
        string path = Save("f.npy", Npy(Dict("<f4", "(7, 5)", fortran: true), Bytes(ColumnByColumn(7, 5))));
        float[] expected = Expected(7, 5);
        using MappedMatrix matrix = DataSpec.OpenMapped($"npy:{path}");
        using Tensor rows = full(9, 5, -1f);

        matrix.Read(2, 4, rows, 3); // rows 2..5 of the file into rows 3..6

        float[] read = rows.data<float>().ToArray();
        Assert.Equal(expected[10..30], read[15..35]);
        Assert.All(read[..15].Concat(read[35..]), v => Assert.Equal(-1f, v));
    }

    [Fact]
    public void A_column_longer_than_a_read_chunk_is_read_in_pieces_and_still_lands_in_place()
    {
        const int rows = 1_100_000, cols = 2; // a column of 4.4 MB: more than the 4 MiB chunk
        float[] stored = new float[rows * cols];
        for (int k = 0; k < stored.Length; k++) stored[k] = 2f * (k % rows) + k / rows; // a[i, j] = 2 i + j
        string path = Save("long.npy", Npy(Dict("<f4", $"({rows}, {cols})", fortran: true), Bytes(stored)));

        using Tensor x = NpyReader.ReadMatrix(path);
        using Tensor expected = arange(rows * cols, dtype: ScalarType.Float32).view(rows, cols);

        Assert.True(x.eq(expected).all().item<bool>());
    }

    [Fact]
    public void Fortran_and_c_order_files_of_one_matrix_stream_the_same_blocks()
    {
        manual_seed(3);
        using Tensor x = randn(300, 6);
        string c = Path.Combine(folder.Path, "c.npy");
        NpyReader.Write(c, x);
        using Tensor columns = x.t().contiguous();
        string f = Save("f.npy", Npy(Dict("<f4", "(300, 6)", fortran: true), columns.bytes.ToArray()));
        using MappedMatrix fromC = DataSpec.OpenMapped($"npy:{c}"), fromF = DataSpec.OpenMapped($"npy:{f}");
        var config = new StreamConfig { ShuffleBuffer = 64, BlockRows = 16 };
        long[] blocks = [.. Enumerable.Range(0, 19).Select(b => (long)b)];
        using var streamC = new StreamedRows(fromC, blocks, config, null);
        using var streamF = new StreamedRows(fromF, blocks, config, null);

        foreach (var (a, b) in streamC.Epoch(seed: 1, epoch: 0, batchSize: 50, startBatch: 0).Zip(streamF.Epoch(seed: 1, epoch: 0, batchSize: 50, startBatch: 0)))
            using (a)
            using (b)
                Assert.True(a.eq(b).all().item<bool>());
    }
}
