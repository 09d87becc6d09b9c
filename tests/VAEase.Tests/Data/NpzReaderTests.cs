using System.IO.Compression;
using VAEase.Data;
using VAEase.Tests.Plotting;
using static TorchSharp.torch;
using static VAEase.Tests.Data.NpyReaderTests;

namespace VAEase.Tests.Data;

/// <summary>npz:PATH[,array=NAME]: one .npy member of a zip archive, stored (np.savez) or deflated (np.savez_compressed),
/// with the .npy checks and one-line errors naming the archive and the array.</summary>
public sealed class NpzReaderTests : IDisposable
{
    private readonly TempFolder folder = new("vaease-npz");

    public void Dispose() => folder.Dispose();

    private static readonly float[] Values = [1.5f, -2, 0.25f, 4, 1e-3f, 6];

    /// <summary>An archive of the given members (name without .npy, .npy bytes), as NumPy writes it.</summary>
    internal static byte[] Npz(CompressionLevel level, params (string Name, byte[] Npy)[] members)
    {
        using var bytes = new MemoryStream();
        using (var zip = new ZipArchive(bytes, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var (name, npy) in members)
                using (Stream entry = zip.CreateEntry(name + ".npy", level).Open())
                    entry.Write(npy);
        return bytes.ToArray();
    }

    private string Save(string name, byte[] content)
    {
        string path = Path.Combine(folder.Path, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    [Theory]
    [InlineData(CompressionLevel.NoCompression)]
    [InlineData(CompressionLevel.Optimal)]
    public void Stored_and_deflated_members_read_the_same_values_in_c_and_fortran_order(CompressionLevel level)
    {
        // [[1.5, -2, 0.25], [4, 1e-3, 6]] in C order; the same matrix column by column in Fortran order.
        float[] fortran = [1.5f, 4, -2, 1e-3f, 0.25f, 6];
        string path = Save("x.npz", Npz(level, ("c", Npy(Dict("<f4", "(2, 3)"), Bytes(Values))),
            ("f", Npy(Dict("<f8", "(2, 3)", fortran: true), Bytes(fortran.Select(v => (double)v).ToArray())))));

        using Dataset c = DataSpec.Load($"npz:{path},array=c");
        using Dataset f = DataSpec.Load($"npz:{path},array=f");

        Assert.Equal(Values, c.X.data<float>().ToArray());
        Assert.Equal(Values, f.X.data<float>().ToArray());
        Assert.Equal($"npz:{path},array=f", f.Name);
        var info = DataSpec.Describe($"npz:{path},array=c");
        Assert.Equal(("npz", 3, 2L), (info.Family, info.Dim, info.Count));
    }

    [Fact]
    public void The_only_array_is_used_without_a_name_and_labels_come_from_their_own_npy()
    {
        string path = Save("one.npz", Npz(CompressionLevel.Optimal, ("arr_0", Npy(Dict("<f4", "(3, 2)"), Bytes(Values)))));
        string labels = Save("labels.npy", Npy(Dict("<i8", "(3,)"), Bytes(0L, 1L, 1L)));

        using Dataset data = DataSpec.Load($"npz:{path},labels={labels}");

        Assert.Equal([3L, 2L], data.X.shape);
        Assert.Equal([0L, 1L, 1L], data.Labels!);
    }

    public static TheoryData<string, byte[], string, string> Hostile => new()
    {
        { "two arrays, none named", Npz(CompressionLevel.Optimal, ("a", Npy(Dict("<f4", "(1, 1)"), Bytes(1f))), ("b", Npy(Dict("<f4", "(1, 1)"), Bytes(1f)))), "",
            "2 arrays (a, b); choose one with array=NAME" },
        { "missing array name", Npz(CompressionLevel.Optimal, ("a", Npy(Dict("<f4", "(1, 1)"), Bytes(1f))), ("b", Npy(Dict("<f4", "(1, 1)"), Bytes(1f)))), ",array=c",
            "no array 'c' (the archive has: a, b)" },
        { "no arrays", Npz(CompressionLevel.Optimal), "", "the archive holds no .npy arrays" },
        { "truncated archive", Npz(CompressionLevel.Optimal, ("a", Npy(Dict("<f4", "(2, 3)"), Bytes(Values))))[..60], "", "not a readable .npz (zip) archive" },
        { "truncated member", Npz(CompressionLevel.Optimal, ("a", Npy(Dict("<f4", "(4, 3)"), Bytes(Values)))), "",
            "array 'a': truncated: shape (4, 3) of '<f4' needs 48 data bytes, the file has 24" },
        { "member not npy", Npz(CompressionLevel.NoCompression, ("a", "PK not numpy"u8.ToArray())), "", "array 'a': not a .npy file" },
        { "int member", Npz(CompressionLevel.Optimal, ("a", Npy(Dict("<i4", "(1, 2)"), Bytes(1, 2)))), "", "array 'a': unsupported dtype '<i4' for data" },
        { "nan", Npz(CompressionLevel.Optimal, ("a", Npy(Dict("<f4", "(3, 2)"), Bytes(1f, 2f, 3f, float.NaN, 5f, 6f)))), "",
            "array 'a': row 1 has a non-finite value at column 1 (NaN); data must be finite" },
        { "not a zip", Npy(Dict("<f4", "(2, 3)"), Bytes(Values)), "", "not a readable .npz (zip) archive" },
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public void A_hostile_archive_gives_a_one_line_error_naming_it(string name, byte[] content, string keys, string problem)
    {
        string path = Save(name.Replace(' ', '-').Replace(',', '-') + ".npz", content);

        var e = Assert.Throws<VAEaseException>(() => { using Dataset data = DataSpec.Load($"npz:{path}{keys}"); });

        Assert.StartsWith(path + ": ", e.Message);
        Assert.Contains(problem, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Streaming_an_npz_is_refused_with_the_way_to_stream_it()
    {
        string path = Save("x.npz", Npz(CompressionLevel.Optimal, ("a", Npy(Dict("<f4", "(2, 3)"), Bytes(Values)))));

        var e = Assert.Throws<VAEaseException>(() => DataSpec.OpenMapped($"npz:{path}"));

        Assert.Contains("npz data is built in memory (drop --stream); to stream it, unzip the archive", e.Message);
        Assert.False(DataSpec.IsFileMatrix($"npz:{path}"));
    }
}
