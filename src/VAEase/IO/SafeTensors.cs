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
        return t.dtype switch
        {
            ScalarType.Float32 => ("F32", MemoryMarshal.AsBytes(t.data<float>().ToArray().AsSpan()).ToArray()),
            ScalarType.Float64 => ("F64", MemoryMarshal.AsBytes(t.data<double>().ToArray().AsSpan()).ToArray()),
            ScalarType.Int64 => ("I64", MemoryMarshal.AsBytes(t.data<long>().ToArray().AsSpan()).ToArray()),
            ScalarType.Int32 => ("I32", MemoryMarshal.AsBytes(t.data<int>().ToArray().AsSpan()).ToArray()),
            _ => throw new NotSupportedException($"safetensors writer: dtype {t.dtype} is not supported"),
        };
    }

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
