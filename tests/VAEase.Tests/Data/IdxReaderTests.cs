using System.IO.Compression;
using VAEase.Data;

namespace VAEase.Tests.Data;

/// <summary>The IDX reader: plain and gzipped files, pixel scaling, labels, and a one-line error
/// naming the file for every malformed header or data length.</summary>
public sealed class IdxReaderTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("vaease-idx-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    /// <summary>An IDX file: 0 0 type ndims, big-endian int32 dims, then the data.</summary>
    internal static byte[] Idx(int[] dims, byte[] data, byte type = 0x08)
    {
        var bytes = new List<byte> { 0, 0, type, (byte)dims.Length };
        foreach (int d in dims) bytes.AddRange([(byte)(d >> 24), (byte)(d >> 16), (byte)(d >> 8), (byte)d]);
        bytes.AddRange(data);
        return [.. bytes];
    }

    internal static byte[] Gzip(byte[] content)
    {
        using var memory = new MemoryStream();
        using (var gzip = new GZipStream(memory, CompressionLevel.Fastest)) gzip.Write(content);
        return memory.ToArray();
    }

    private string Save(string name, byte[] content)
    {
        string path = Path.Combine(dir, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    // Two 2x3 images: pixels 0, 51, 102, 153, 204, 255 and then 255 down to 0.
    private static readonly byte[] Pixels = [0, 51, 102, 153, 204, 255, 255, 204, 153, 102, 51, 0];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Images_are_flattened_row_major_and_scaled_to_the_unit_interval(bool gzipped)
    {
        byte[] content = Idx([2, 2, 3], Pixels);
        string path = Save("images", gzipped ? Gzip(content) : content);

        using var x = IdxReader.ReadImages(path);

        Assert.Equal([2L, 6L], x.shape);
        Assert.Equal(Pixels.Select(p => p / 255f).ToArray(), x.data<float>().ToArray());
        Assert.Equal([2, 2, 3], IdxReader.ReadShape(path));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Labels_are_read_as_longs(bool gzipped)
    {
        byte[] content = Idx([5], [7, 0, 9, 255, 3]);
        string path = Save("labels", gzipped ? Gzip(content) : content);

        Assert.Equal([7L, 0, 9, 255, 3], IdxReader.ReadLabels(path));
        Assert.Equal([5], IdxReader.ReadShape(path));
    }

    [Fact]
    public void Images_larger_than_one_chunk_are_read_completely()
    {
        // The reader converts 4 MB of pixels at a time: 419 images of 100x100 per chunk, so 500
        // images cross one chunk boundary, and row 419 is the first of the second chunk.
        int n = 500, side = 100;
        byte[] data = new byte[n * side * side];
        for (int i = 0; i < data.Length; i++) data[i] = (byte)(i * 7 % 251);
        string path = Save("big.gz", Gzip(Idx([n, side, side], data)));

        using var x = IdxReader.ReadImages(path);

        Assert.Equal([(long)n, side * side], x.shape);
        Assert.Equal(data[^1] / 255f, x[n - 1, side * side - 1].item<float>());
        Assert.Equal(data[419 * side * side + 17] / 255f, x[419, 17].item<float>());
    }

    public static TheoryData<string, byte[], string> Malformed => new()
    {
        { "empty file", [], "not an IDX file (shorter than its 4-byte magic)" },
        { "wrong magic", [0x01, 0x00, 0x08, 0x03, 0, 0, 0, 1], "not an IDX file (magic starts 0x01 0x00" },
        { "float type", Idx([1, 1, 1], [0, 0, 0, 0], type: 0x0D), "unsupported IDX element type 0x0d" },
        { "labels, not images", Idx([3], [1, 2, 3]), "expected 3 dimensions (images), the header has 1" },
        { "zero dims", [0, 0, 8, 0], "declares 0 dimensions" },
        { "zero images", Idx([0, 2, 2], []), "dimension 0 is 0" },
        { "truncated header", [0, 0, 8, 3, 0, 0, 0, 2, 0, 0], "truncated IDX header" },
        { "truncated data", Idx([2, 2, 3], Pixels[..11]), "truncated: the IDX header declares 12 data bytes but the file holds only 11" },
        { "trailing bytes", Idx([2, 2, 3], [.. Pixels, 1, 2]), "2 trailing bytes after the 12 data bytes" },
        { "negative dimension", Idx([2, -3, 3], Pixels), "dimension 1 is -3 in the IDX header (must be >= 1)" },
        { "more than an array", Idx([65536, 65536, 2], Pixels), "the IDX header declares more than 2147483591 bytes of data" },
        { "millions of images, few bytes", Idx([1_000_000, 28, 28], Pixels), "truncated: the IDX header declares 784000000 data bytes but the file holds only 12" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Malformed_image_file_gives_a_one_line_error_naming_the_file(string name, byte[] content, string problem)
    {
        string path = Save(name, content);

        var e = Assert.Throws<VAEaseException>(() => { using var x = IdxReader.ReadImages(path); });

        Assert.StartsWith(path + ": ", e.Message);
        Assert.Contains(problem, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Gzipped_file_with_truncated_data_is_an_error_naming_the_file()
    {
        string path = Save("short.gz", Gzip(Idx([2, 2, 3], Pixels[..10])));

        var e = Assert.Throws<VAEaseException>(() => { using var x = IdxReader.ReadImages(path); });

        Assert.Equal($"{path}: truncated: the IDX header declares 12 data bytes but the file holds only 10", e.Message);
    }

    [Fact]
    public void Cut_off_gzip_stream_is_an_error_naming_the_file()
    {
        byte[] gz = Gzip(Idx([40, 10, 10], Enumerable.Range(0, 4000).Select(i => (byte)(i * 31)).ToArray()));
        string path = Save("cut.gz", gz[..(gz.Length / 2)]);

        var e = Assert.Throws<VAEaseException>(() => { using var x = IdxReader.ReadImages(path); });

        Assert.StartsWith(path + ": ", e.Message);
        Assert.Matches("truncated|corrupt gzip", e.Message);
    }

    [Fact]
    public void Label_file_with_trailing_bytes_is_an_error()
    {
        string path = Save("labels", Idx([2], [1, 2, 3]));

        var e = Assert.Throws<VAEaseException>(() => IdxReader.ReadLabels(path));

        Assert.Equal($"{path}: 1 trailing bytes after the 2 data bytes the IDX header declares", e.Message);
    }

    [Fact]
    public void Image_file_read_as_labels_is_an_error()
    {
        string path = Save("images", Idx([2, 2, 3], Pixels));

        var e = Assert.Throws<VAEaseException>(() => IdxReader.ReadLabels(path));

        Assert.Equal($"{path}: expected 1 dimension (labels), the header has 3", e.Message);
    }

    [Fact]
    public void Missing_file_is_an_error_naming_it()
    {
        string path = Path.Combine(dir, "nope");

        var e = Assert.Throws<VAEaseException>(() => IdxReader.ReadShape(path));

        Assert.Equal($"file not found: {path}", e.Message);
    }
}
