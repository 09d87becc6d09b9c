using System.Runtime.InteropServices;
using System.Text;
using VAEase.Data;
using static TorchSharp.torch;

namespace VAEase.Tests.Data;

/// <summary>The .npy reader and writer: header versions 1-3, float dtypes widened to float32,
/// integer labels, and a one-line error naming the file for every violation.</summary>
public sealed class NpyReaderTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("vaease-npy-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    /// <summary>A .npy file laid out by hand as NumPy does it (header padded to 64 bytes).</summary>
    internal static byte[] Npy(string dict, byte[] data, int major = 1)
    {
        int prefix = major == 1 ? 10 : 12;
        int padded = (prefix + dict.Length + 1 + 63) / 64 * 64 - prefix;
        byte[] text = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetBytes(dict.PadRight(padded - 1) + "\n");
        byte[] length = major == 1 ? BitConverter.GetBytes((ushort)text.Length) : BitConverter.GetBytes((uint)text.Length);
        return [0x93, .. "NUMPY"u8, (byte)major, 0, .. length, .. text, .. data];
    }

    internal static string Dict(string descr, string shape, bool fortran = false) =>
        $"{{'descr': '{descr}', 'fortran_order': {(fortran ? "True" : "False")}, 'shape': {shape}, }}";

    internal static byte[] Bytes<T>(params T[] values) where T : struct => MemoryMarshal.AsBytes(values.AsSpan()).ToArray();

    private string Save(string name, byte[] content)
    {
        string path = Path.Combine(dir, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    private static readonly float[] Values = [1.5f, -2, 0.25f, 4, 1e-3f, 6];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Float32_matrix_reads_the_same_under_every_header_version(int major)
    {
        string path = Save($"v{major}.npy", Npy(Dict("<f4", "(2, 3)"), Bytes(Values), major));

        using var x = NpyReader.ReadMatrix(path);

        Assert.Equal([2L, 3L], x.shape);
        Assert.Equal(Values, x.data<float>().ToArray());
        Assert.Equal(major, NpyReader.ReadHeader(path).Version);
    }

    [Fact]
    public void Float16_and_float64_are_widened_and_narrowed_to_float32()
    {
        string f2 = Save("h.npy", Npy(Dict("<f2", "(3, 2)"), Bytes(Values.Select(v => (Half)v).ToArray())));
        string f8 = Save("d.npy", Npy(Dict("<f8", "(1, 6)"), Bytes(Values.Select(v => (double)v).ToArray())));

        using var h = NpyReader.ReadMatrix(f2);
        using var d = NpyReader.ReadMatrix(f8);

        Assert.Equal([3L, 2L], h.shape);
        Assert.Equal(Values.Select(v => (float)(Half)v).ToArray(), h.data<float>().ToArray());
        Assert.Equal(Values, d.data<float>().ToArray());
    }

    [Fact]
    public void Header_with_double_quotes_extra_spaces_and_python2_longs_parses()
    {
        string path = Save("py2.npy", Npy("{\"shape\" : (2L, 3L) ,\"fortran_order\":False,'descr':'<f4'}", Bytes(Values)));

        using var x = NpyReader.ReadMatrix(path);

        Assert.Equal([2L, 3L], x.shape);
    }

    [Theory]
    [InlineData("<i8")]
    [InlineData("<i4")]
    [InlineData("|u1")]
    [InlineData("<u1")]
    [InlineData("|i1")]
    public void Labels_of_every_integer_dtype_read_as_longs(string descr)
    {
        long[] labels = [0, 3, 1, 127];
        byte[] data = descr switch
        {
            "<i8" => Bytes(labels),
            "<i4" => Bytes(labels.Select(v => (int)v).ToArray()),
            _ => labels.Select(v => (byte)v).ToArray(),
        };
        string path = Save("labels.npy", Npy(Dict(descr, "(4,)"), data));

        Assert.Equal(labels, NpyReader.ReadLabels(path));
    }

    [Fact]
    public void Signed_byte_labels_keep_their_sign()
    {
        string path = Save("labels.npy", Npy(Dict("|i1", "(2,)"), [0xff, 0x05]));

        Assert.Equal([-1L, 5L], NpyReader.ReadLabels(path));
    }

    [Fact]
    public void Written_matrix_and_labels_read_back_and_have_a_numpy_layout()
    {
        string xPath = Path.Combine(dir, "x.npy"), yPath = Path.Combine(dir, "y.npy");
        using var x = tensor(Values, [3, 2]);

        NpyReader.Write(xPath, x);
        NpyReader.Write(yPath, [4L, -1, 2]);

        using var back = NpyReader.ReadMatrix(xPath);
        Assert.Equal(Values, back.data<float>().ToArray());
        Assert.Equal([4L, -1, 2], NpyReader.ReadLabels(yPath));
        var header = NpyReader.ReadHeader(xPath);
        Assert.Equal((1, "<f4", false, 128L), (header.Version, header.Descr, header.FortranOrder, header.DataOffset));
        Assert.Equal([3L, 2L], header.Shape);
        Assert.Contains("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }", File.ReadAllText(xPath, Encoding.Latin1));
        Assert.Contains("'shape': (3,)", File.ReadAllText(yPath, Encoding.Latin1));
    }

    [Fact]
    public void Writer_rejects_other_dtypes_and_ranks()
    {
        using var x = zeros(2, 2, 2);

        Assert.Throws<ArgumentException>(() => NpyReader.Write(Path.Combine(dir, "bad.npy"), x));
    }

    public static TheoryData<string, byte[], string> MalformedData => new()
    {
        { "empty", [], "not a .npy file (no \\x93NUMPY magic)" },
        { "magic", [0x93, .. "NUMPZ"u8, 1, 0, 10, 0], "not a .npy file" },
        { "short header", [0x93, .. "NUMPY"u8, 1], "truncated .npy header" },
        { "header past the end", [0x93, .. "NUMPY"u8, 1, 0, 200, 0, (byte)'{'], "truncated .npy header" },
        { "version", Npy(Dict("<f4", "(1, 1)"), Bytes(1f), major: 4), "unsupported .npy version 4.0" },
        { "fortran nan", Npy(Dict("<f4", "(3, 2)", fortran: true), Bytes(1f, 2f, 3f, 4f, float.NaN, 6f)), "row 1 has a non-finite value at column 1 (NaN)" },
        { "fortran truncated", Npy(Dict("<f8", "(2, 3)", fortran: true), Bytes(1.0, 2.0)), "truncated: shape (2, 3) of '<f8' needs 48 data bytes, the file has 16" },
        { "big-endian", Npy(Dict(">f4", "(2, 3)"), Bytes(Values)), "big-endian dtype '>f4' is not supported" },
        { "int data", Npy(Dict("<i4", "(2, 3)"), Bytes(1, 2, 3, 4, 5, 6)), "unsupported dtype '<i4' for data (expected <f4, <f2 or <f8)" },
        { "structured", Npy("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,), }", Bytes(1f, 2f)), "'descr' is missing or not a simple dtype string" },
        { "no shape", Npy("{'descr': '<f4', 'fortran_order': False, }", Bytes(1f)), "'shape' is missing" },
        { "bad dict", Npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, x), }", Bytes(1f)), "malformed .npy header (shape entries must be non-negative integers" },
        { "not a dict", Npy("['descr']", []), "malformed .npy header (expected '{'" },
        { "1-D data", Npy(Dict("<f4", "(6,)"), Bytes(Values)), "data must be a 2-D array [n, d], got shape (6,)" },
        { "3-D data", Npy(Dict("<f4", "(1, 2, 3)"), Bytes(Values)), "got shape (1, 2, 3)" },
        { "zero rows", Npy(Dict("<f4", "(0, 3)"), []), "the array has 0 rows" },
        { "truncated", Npy(Dict("<f4", "(2, 3)"), Bytes(Values)[..20]), "truncated: shape (2, 3) of '<f4' needs 24 data bytes, the file has 20" },
        { "too long", Npy(Dict("<f4", "(2, 2)"), Bytes(Values)), "header/shape mismatch: shape (2, 2) of '<f4' needs 16 data bytes, the file has 24" },
        { "nan", Npy(Dict("<f4", "(3, 2)"), Bytes(1f, 2f, 3f, float.NaN, 5f, 6f)), "row 1 has a non-finite value at column 1 (NaN)" },
        { "inf f2", Npy(Dict("<f2", "(3, 2)"), Bytes((Half)1, (Half)2, (Half)3, (Half)4, Half.NegativeInfinity, (Half)6)), "row 2 has a non-finite value at column 0 (-Infinity)" },
        { "f8 overflow", Npy(Dict("<f8", "(1, 2)"), Bytes(1.0, 1e300)), "row 0 has a non-finite value at column 1 (1E+300 overflows float32)" },
        { "byte count wraps", Npy(Dict("<f4", "(4611686018427387904, 4)"), []), "shape (4611686018427387904, 4) of '<f4' has more than 9223372036854775807 bytes" },
        { "partial product wraps", Npy(Dict("<f4", "(1099511627776, 2147483647)"), []), "has more than 9223372036854775807 bytes" },
        { "dim past int64", Npy(Dict("<f4", "(99999999999999999999, 1)"), []), "shape entry 99999999999999999999 exceeds 9223372036854775807" },
        { "negative dim", Npy(Dict("<f4", "(-2, 3)"), Bytes(Values)), "shape entries must be non-negative integers" },
        { "huge row length", Npy(Dict("<f4", "(1, 4294967296)"), []), "row length 4294967296 is not usable" },
        { "huge header", Npy(Dict("<f4", "(1, 1)").PadRight(2_000_000), Bytes(1f), major: 2), "bytes is implausibly long (NumPy writes under 10 kB)" },
    };

    [Theory]
    [MemberData(nameof(MalformedData))]
    public void Malformed_data_file_gives_a_one_line_error_naming_the_file(string name, byte[] content, string problem)
    {
        string path = Save(name + ".npy", content);

        var e = Assert.Throws<VAEaseException>(() => { using var x = NpyReader.ReadMatrix(path); });

        Assert.StartsWith(path + ": ", e.Message);
        Assert.Contains(problem, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    public static TheoryData<string, byte[], string> MalformedLabels => new()
    {
        { "float labels", Npy(Dict("<f4", "(2,)"), Bytes(1f, 2f)), "unsupported dtype '<f4' for labels (expected <i8, <i4, |u1 or |i1)" },
        { "2-D labels", Npy(Dict("<i8", "(1, 2)"), Bytes(1L, 2L)), "labels must be a 1-D array [n], got shape (1, 2)" },
        { "short labels", Npy(Dict("<i8", "(3,)"), Bytes(1L, 2L)), "truncated: shape (3,) of '<i8' needs 24 data bytes, the file has 16" },
        { "big-endian labels", Npy(Dict(">i8", "(1,)"), Bytes(1L)), "big-endian dtype '>i8'" },
        { "labels past memory", Npy(Dict("<i8", "(4611686018427387904,)"), Bytes(1L)), "4611686018427387904 labels are too many to hold in memory" },
    };

    [Theory]
    [MemberData(nameof(MalformedLabels))]
    public void Malformed_label_file_gives_a_one_line_error_naming_the_file(string name, byte[] content, string problem)
    {
        string path = Save(name + ".npy", content);

        var e = Assert.Throws<VAEaseException>(() => NpyReader.ReadLabels(path));

        Assert.StartsWith(path + ": ", e.Message);
        Assert.Contains(problem, e.Message);
    }

    [Fact]
    public void Non_finite_value_beyond_the_first_chunk_names_its_row()
    {
        // 4 MB chunks of 1000 floats per row: 1048 rows per chunk, so row 1500 is in the second.
        int rows = 1600, dim = 1000;
        float[] data = new float[rows * dim];
        data[1500 * dim + 7] = float.PositiveInfinity;
        string path = Save("big.npy", Npy(Dict("<f4", $"({rows}, {dim})"), Bytes(data)));

        var e = Assert.Throws<VAEaseException>(() => { using var x = NpyReader.ReadMatrix(path); });

        Assert.Equal($"{path}: row 1500 has a non-finite value at column 7 (Infinity); data must be finite", e.Message);
    }
}
