using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using static TorchSharp.torch;

namespace VAEase.IO;

/// <summary>Reader and writer of the safetensors format (8-byte little-endian header length, a JSON
/// header of name -> {dtype, shape, data_offsets}, then the raw little-endian data), so our weights
/// open directly in PyTorch (`safetensors.torch.load_file`).</summary>
public static class SafeTensors
{
    /// <summary>Writes the named tensors (float32, float64, int64 or int32) atomically.</summary>
    public static void Write(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        using var scope = NewDisposeScope(); // the detached CPU copies made below
        var layout = new List<Layout>();
        var blobs = new List<byte[]>();
        foreach (var (name, tensor) in tensors)
        {
            var (dtype, bytes) = ToBytes(tensor);
            layout.Add(new Layout(name, dtype, tensor.shape));
            blobs.Add(bytes);
        }
        Write(path, layout, metadata, stream =>
        {
            foreach (byte[] blob in blobs) stream.Write(blob);
        });
    }

    /// <summary>One tensor of a file written by streaming: its name, dtype as the file names it (F32, I64, I32, ...) and shape.</summary>
    public sealed record Layout(string Name, string DType, long[] Shape)
    {
        public long ByteLength => ShapeSize.Bytes(Shape, Width(DType)) ?? throw new OverflowException($"safetensors writer: shape of '{Name}' too large");

        /// <summary>The layout of a tensor of a dtype the writer supports.</summary>
        public static Layout Of(string name, Tensor tensor) => new(name, DTypeName(tensor.dtype), tensor.shape);
    }

    /// <summary>Writes the header of <paramref name="layout"/>, then lets <paramref name="writeData"/> stream the
    /// tensors' little-endian bytes in layout order, so an output larger than memory never exists whole; atomically.
    /// Throws if the data written is not exactly what the shapes declare.</summary>
    public static void Write(string path, IReadOnlyList<Layout> layout, IReadOnlyDictionary<string, string>? metadata, Action<Stream> writeData)
    {
        var header = new Dictionary<string, object>();
        if (metadata is not null) header["__metadata__"] = metadata;
        long offset = 0;
        foreach (Layout t in layout)
        {
            if (Width(t.DType) == 0) throw new NotSupportedException($"safetensors writer: dtype {t.DType} is not supported");
            header[t.Name] = new { dtype = t.DType, shape = t.Shape, data_offsets = new[] { offset, offset + t.ByteLength } };
            offset += t.ByteLength;
        }
        byte[] json = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(header));
        int pad = (8 - json.Length % 8) % 8; // keeps the data 8-byte aligned, as the reference writer does
        json = [.. json, .. Enumerable.Repeat((byte)' ', pad)];
        AtomicFile.Write(path, stream =>
        {
            stream.Write(BitConverter.GetBytes((ulong)json.Length));
            stream.Write(json);
            long start = stream.Position;
            writeData(stream);
            if (stream.Position - start != offset)
                throw new InvalidOperationException($"safetensors writer: {stream.Position - start} data bytes written for a layout of {offset}");
        });
    }

    /// <summary>One tensor's header entry.</summary>
    /// <param name="Name">The tensor's name.</param>
    /// <param name="DType">Its dtype as the file names it (F32, F16, BF16, F64, I64, ...).</param>
    /// <param name="Shape">Its shape.</param>
    /// <param name="DataStart">Where its bytes start in the file.</param>
    /// <param name="ByteLength">How many bytes it has.</param>
    public sealed record Entry(string Name, string DType, long[] Shape, long DataStart, long ByteLength);

    /// <summary>Reads every tensor of the file (F32, F64, I64, I32, F16, BF16; half types become float32).</summary>
    public static Dictionary<string, Tensor> Read(string path)
    {
        var result = new Dictionary<string, Tensor>();
        using var stream = File.OpenRead(CheckExists(path));
        foreach (Entry entry in List(path)) result[entry.Name] = ReadEntry(stream, path, entry);
        return result;
    }

    /// <summary>Reads the tensor of that name; the error lists the names the file has.</summary>
    public static Tensor ReadTensor(string path, string name)
    {
        var entries = List(path);
        Entry entry = entries.FirstOrDefault(e => e.Name == name)
            ?? throw new VAEaseException($"{path}: no tensor '{name}' (the file has: {string.Join(", ", entries.Select(e => e.Name))})");
        using var stream = File.OpenRead(path);
        return ReadEntry(stream, path, entry);
    }

    /// <summary>The tensors of the file in header order, from the header alone (no data is read), every rule of the
    /// format checked (<see cref="SafeTensorsHeader"/>).</summary>
    public static IReadOnlyList<Entry> List(string path) => SafeTensorsHeader.Read(CheckExists(path));

    /// <summary>Reads a file that must hold exactly the tensors <paramref name="expected"/> describes (names, dtypes and
    /// shapes), with finite floating values; <paramref name="owner"/> names what expects them, for the message
    /// (e.g. "the model of DIR/config.json").</summary>
    public static Dictionary<string, Tensor> ReadExpected(string path, IReadOnlyList<Layout> expected, string owner)
    {
        var entries = List(path).ToDictionary(e => e.Name);
        foreach (Layout want in expected)
        {
            if (!entries.TryGetValue(want.Name, out Entry? have)) throw new VAEaseException($"{path}: no tensor '{want.Name}', which {owner} has");
            if (have.DType != want.DType) throw new VAEaseException($"{path}: tensor '{want.Name}' is {have.DType}, but {owner} needs {want.DType}");
            if (!have.Shape.SequenceEqual(want.Shape))
                throw new VAEaseException($"{path}: tensor '{want.Name}' has shape {SafeTensorsHeader.Text(have.Shape)}, but {owner} needs {SafeTensorsHeader.Text(want.Shape)}");
        }
        if (entries.Keys.FirstOrDefault(name => expected.All(e => e.Name != name)) is { } extra)
            throw new VAEaseException($"{path}: tensor '{extra}' is not part of {owner}");
        Dictionary<string, Tensor> tensors = Read(path);
        foreach (var (name, t) in tensors)
        {
            if (!t.is_floating_point()) continue;
            using Tensor bad = isfinite(t).logical_not_();
            using Tensor count = bad.sum();
            if (count.item<long>() is > 0 and long n)
            {
                foreach (Tensor each in tensors.Values) each.Dispose();
                throw new VAEaseException($"{path}: tensor '{name}' has {n} non-finite value{(n == 1 ? "" : "s")} (NaN or infinity)");
            }
        }
        return tensors;
    }

    /// <summary>Bytes per element of the dtypes we read, 0 for the others.</summary>
    internal static int Width(string dtype) => dtype switch { "F32" => 4, "F64" => 8, "I64" => 8, "I32" => 4, "F16" => 2, "BF16" => 2, _ => 0 };

    private static string CheckExists(string path) =>
        File.Exists(path) ? path : throw new VAEaseException($"file not found: {path}");

    private static Tensor ReadEntry(FileStream stream, string path, Entry entry)
    {
        string what = $"{path}: tensor '{entry.Name}'";
        if (entry.ByteLength > Array.MaxLength) throw new VAEaseException($"{what}: {entry.ByteLength} bytes are too many to read at once");
        byte[] data = new byte[entry.ByteLength];
        stream.Position = entry.DataStart;
        stream.ReadExactly(data);
        return FromBytes(data, entry.DType, entry.Shape, what);
    }

    private static (string DType, byte[] Bytes) ToBytes(Tensor tensor)
    {
        Tensor t = tensor.detach().cpu().contiguous();
        return (DTypeName(t.dtype), t.dtype switch
        {
            ScalarType.Float32 => MemoryMarshal.AsBytes(t.data<float>().ToArray().AsSpan()).ToArray(),
            ScalarType.Float64 => MemoryMarshal.AsBytes(t.data<double>().ToArray().AsSpan()).ToArray(),
            ScalarType.Int64 => MemoryMarshal.AsBytes(t.data<long>().ToArray().AsSpan()).ToArray(),
            _ => MemoryMarshal.AsBytes(t.data<int>().ToArray().AsSpan()).ToArray(),
        });
    }

    /// <summary>The file's name of a dtype the writer supports.</summary>
    private static string DTypeName(ScalarType dtype) => dtype switch
    {
        ScalarType.Float32 => "F32",
        ScalarType.Float64 => "F64",
        ScalarType.Int64 => "I64",
        ScalarType.Int32 => "I32",
        _ => throw new NotSupportedException($"safetensors writer: dtype {dtype} is not supported"),
    };

    private static Tensor FromBytes(ReadOnlySpan<byte> data, string dtype, long[] shape, string what)
    {
        if (Width(dtype) == 0) throw new VAEaseException($"{what}: unsupported dtype {dtype} (expected F32, F64, I64, I32, F16 or BF16)");
        return dtype switch
        {
            "F32" => tensor(MemoryMarshal.Cast<byte, float>(data).ToArray(), shape),
            "F64" => tensor(MemoryMarshal.Cast<byte, double>(data).ToArray(), shape),
            "I64" => tensor(MemoryMarshal.Cast<byte, long>(data).ToArray(), shape),
            "I32" => tensor(MemoryMarshal.Cast<byte, int>(data).ToArray(), shape),
            "F16" => tensor(Array.ConvertAll(MemoryMarshal.Cast<byte, Half>(data).ToArray(), h => (float)h), shape),
            _ => tensor(Array.ConvertAll(MemoryMarshal.Cast<byte, ushort>(data).ToArray(), b => BitConverter.Int32BitsToSingle(b << 16)), shape),
        };
    }
}
