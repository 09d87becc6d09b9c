using System.Buffers.Binary;
using System.IO.Compression;
using static TorchSharp.torch;

namespace VAEase.Data;

/// <summary>Reader of the IDX files MNIST and Fashion-MNIST ship in (LeCun's format: two zero bytes,
/// an element-type byte, a dimension-count byte, then each dimension as a big-endian int32, then the
/// row-major data). Files starting with the gzip magic 1f 8b are unpacked on the fly. Every check is
/// strict: a wrong magic, an unsupported type, the wrong number of dimensions, and truncated or
/// trailing data all throw a <see cref="VAEaseException"/> naming the file.</summary>
public static class IdxReader
{
    /// <summary>Element type 0x08: unsigned byte, the only one the image sets use.</summary>
    private const byte UnsignedByte = 0x08;

    /// <summary>Rows converted per step when filling a tensor, to keep the staging buffers small.</summary>
    private const int ChunkBytes = 1 << 22;

    /// <summary>The dimensions from the header alone: [n, rows, cols] for images, [n] for labels.</summary>
    public static int[] ReadShape(string path)
    {
        using Stream stream = Open(path);
        return ReadHeader(stream, path, expectedDims: null);
    }

    /// <summary>Images [n, rows, cols] as float32 [n, rows * cols], pixel / 255 so values lie in [0, 1].</summary>
    public static Tensor ReadImages(string path)
    {
        int[] shape = ReadShape(path);
        if (shape.Length != 3) throw new VAEaseException($"{path}: expected 3 dimensions (images), the header has {shape.Length}");
        var x = empty(shape[0], (long)shape[1] * shape[2], dtype: ScalarType.Float32);
        try
        {
            ReadImagesInto(path, x, firstRow: 0);
            return x;
        }
        catch
        {
            x.Dispose();
            throw;
        }
    }

    /// <summary>Labels [n] as long[] (values 0..255).</summary>
    public static long[] ReadLabels(string path)
    {
        using Stream stream = Open(path);
        int n = ReadHeader(stream, path, expectedDims: 1)[0];
        byte[] bytes = new byte[n];
        ReadData(stream, bytes, path, done: 0, total: n);
        CheckEnd(stream, path, n);
        return Array.ConvertAll(bytes, b => (long)b);
    }

    /// <summary>Fills rows [firstRow, firstRow + n) of <paramref name="destination"/> [N, rows * cols]
    /// with the file's images scaled to [0, 1].</summary>
    internal static void ReadImagesInto(string path, Tensor destination, long firstRow)
    {
        using Stream stream = Open(path);
        int[] shape = ReadHeader(stream, path, expectedDims: 3);
        int n = shape[0];
        int pixels = checked(shape[1] * shape[2]);
        if (destination.shape[1] != pixels || firstRow + n > destination.shape[0])
            throw new VAEaseException($"{path}: {n} images of {shape[1]}x{shape[2]} do not fit rows {firstRow}.. of a [{string.Join(", ", destination.shape)}] matrix");

        int chunkRows = Math.Max(1, Math.Min(n, ChunkBytes / pixels));
        byte[] raw = new byte[chunkRows * pixels];
        long total = (long)n * pixels;
        for (int done = 0; done < n; done += chunkRows)
        {
            int take = Math.Min(chunkRows, n - done);
            int count = take * pixels;
            ReadData(stream, raw.AsSpan(0, count), path, (long)done * pixels, total);
            using var part = tensor(take == chunkRows ? raw : raw[..count], [take, pixels]); // uint8
            using var rows = destination.narrow(0, firstRow + done, take);
            rows.copy_(part).div_(255f); // float32 division: exactly pixel / 255f
        }
        CheckEnd(stream, path, total);
    }

    /// <summary>The file as a stream, unpacked if it starts with the gzip magic.</summary>
    private static Stream Open(string path)
    {
        if (!File.Exists(path)) throw new VAEaseException($"file not found: {path}");
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        Span<byte> magic = stackalloc byte[2];
        int got = file.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
        file.Position = 0;
        if (got == 2 && magic[0] == 0x1f && magic[1] == 0x8b) return new BufferedStream(new GZipStream(file, CompressionMode.Decompress), 1 << 16);
        return file;
    }

    /// <summary>Parses and checks the header; returns the dimensions.</summary>
    private static int[] ReadHeader(Stream stream, string path, int? expectedDims)
    {
        Span<byte> head = stackalloc byte[4];
        if (Fill(stream, head, path) < 4) throw new VAEaseException($"{path}: not an IDX file (shorter than its 4-byte magic)");
        if (head[0] != 0 || head[1] != 0)
            throw new VAEaseException($"{path}: not an IDX file (magic starts 0x{head[0]:x2} 0x{head[1]:x2}, expected 0x00 0x00)");
        if (head[2] != UnsignedByte)
            throw new VAEaseException($"{path}: unsupported IDX element type 0x{head[2]:x2} (only 0x08, unsigned byte, is supported)");
        int dims = head[3];
        if (dims == 0) throw new VAEaseException($"{path}: the IDX header declares 0 dimensions");
        if (expectedDims is { } want && dims != want)
            throw new VAEaseException($"{path}: expected {want} dimension{(want == 1 ? "" : "s")} ({(want == 1 ? "labels" : "images")}), the header has {dims}");

        Span<byte> sizes = stackalloc byte[4 * dims];
        if (Fill(stream, sizes, path) < sizes.Length) throw new VAEaseException($"{path}: truncated IDX header ({dims} dimensions declared)");
        var shape = new int[dims];
        long total = 1;
        for (int i = 0; i < dims; i++)
        {
            shape[i] = BinaryPrimitives.ReadInt32BigEndian(sizes[(4 * i)..]);
            if (shape[i] <= 0) throw new VAEaseException($"{path}: dimension {i} is {shape[i]} in the IDX header (must be >= 1)");
            total *= shape[i];
            if (total > Array.MaxLength) throw new VAEaseException($"{path}: the IDX header declares more than {Array.MaxLength} bytes of data");
        }
        if (stream is FileStream file) // a plain file's size is known up front: check it before anything is allocated for the data
        {
            long actual = file.Length - file.Position;
            if (actual < total) throw new VAEaseException($"{path}: truncated: the IDX header declares {total} data bytes but the file holds only {actual}");
            if (actual > total) throw new VAEaseException($"{path}: {actual - total} trailing bytes after the {total} data bytes the IDX header declares");
        }
        return shape;
    }

    /// <summary>Reads exactly buffer.Length data bytes; <paramref name="done"/> bytes of
    /// <paramref name="total"/> were read before, for the message when the file ends early.</summary>
    private static void ReadData(Stream stream, Span<byte> buffer, string path, long done, long total)
    {
        int got = Fill(stream, buffer, path);
        if (got < buffer.Length)
            throw new VAEaseException($"{path}: truncated: the IDX header declares {total} data bytes but the file holds only {done + got}");
    }

    /// <summary>Fails if anything follows the data the header declares.</summary>
    private static void CheckEnd(Stream stream, string path, long total)
    {
        Span<byte> probe = stackalloc byte[4096];
        long extra = 0;
        int got;
        while ((got = Fill(stream, probe, path)) > 0) extra += got;
        if (extra > 0) throw new VAEaseException($"{path}: {extra} trailing bytes after the {total} data bytes the IDX header declares");
    }

    /// <summary>Reads until the buffer is full or the stream ends; corrupt gzip data becomes our error.</summary>
    private static int Fill(Stream stream, Span<byte> buffer, string path)
    {
        try
        {
            return stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        }
        catch (InvalidDataException e)
        {
            throw new VAEaseException($"{path}: corrupt gzip data ({e.Message})", e);
        }
    }
}
