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
    /// <summary>Writes the named tensors (float32, float64 or int64) atomically.</summary>
    public static void Write(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        using var scope = NewDisposeScope(); // the detached CPU copies made below
        var header = new Dictionary<string, object>();
        if (metadata is not null) header["__metadata__"] = metadata;
        var blobs = new List<byte[]>();
        long offset = 0;
        foreach (var (name, tensor) in tensors)
        {
            var (dtype, bytes) = ToBytes(tensor);
            header[name] = new { dtype, shape = tensor.shape, data_offsets = new[] { offset, offset + bytes.Length } };
            blobs.Add(bytes);
            offset += bytes.Length;
        }
        byte[] json = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(header));
        int pad = (8 - json.Length % 8) % 8; // keeps the data 8-byte aligned, as the reference writer does
        json = [.. json, .. Enumerable.Repeat((byte)' ', pad)];
        AtomicFile.Write(path, stream =>
        {
            stream.Write(BitConverter.GetBytes((ulong)json.Length));
            stream.Write(json);
            foreach (byte[] blob in blobs) stream.Write(blob);
        });
    }

    /// <summary>Reads every tensor of the file (F32, F64, I64, F16, BF16; half types become float32).</summary>
    public static Dictionary<string, Tensor> Read(string path)
    {
        if (!File.Exists(path)) throw new VAEaseException($"file not found: {path}");
        byte[] file = File.ReadAllBytes(path);
        if (file.Length < 8) throw new VAEaseException($"{path}: not a safetensors file (shorter than its 8-byte header length)");
        ulong headerLength = BitConverter.ToUInt64(file, 0);
        if (headerLength > (ulong)(file.Length - 8)) throw new VAEaseException($"{path}: header length {headerLength} exceeds the file size");
        JsonElement header;
        try { header = JsonDocument.Parse(file.AsMemory(8, (int)headerLength)).RootElement; }
        catch (JsonException e) { throw new VAEaseException($"{path}: malformed safetensors header ({e.Message})", e); }
        long dataStart = 8 + (long)headerLength;
        var result = new Dictionary<string, Tensor>();
        foreach (JsonProperty entry in header.EnumerateObject())
        {
            if (entry.Name == "__metadata__") continue;
            string dtype = entry.Value.GetProperty("dtype").GetString() ?? "";
            long[] shape = entry.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            long[] offsets = entry.Value.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            if (offsets.Length != 2 || offsets[0] < 0 || offsets[1] < offsets[0] || dataStart + offsets[1] > file.Length)
                throw new VAEaseException($"{path}: tensor '{entry.Name}' has data offsets outside the file");
            var data = new ReadOnlySpan<byte>(file, (int)(dataStart + offsets[0]), (int)(offsets[1] - offsets[0]));
            result[entry.Name] = FromBytes(data, dtype, shape, $"{path}: tensor '{entry.Name}'");
        }
        return result;
    }

    private static (string DType, byte[] Bytes) ToBytes(Tensor tensor)
    {
        Tensor t = tensor.detach().cpu().contiguous();
        return t.dtype switch
        {
            ScalarType.Float32 => ("F32", MemoryMarshal.AsBytes(t.data<float>().ToArray().AsSpan()).ToArray()),
            ScalarType.Float64 => ("F64", MemoryMarshal.AsBytes(t.data<double>().ToArray().AsSpan()).ToArray()),
            ScalarType.Int64 => ("I64", MemoryMarshal.AsBytes(t.data<long>().ToArray().AsSpan()).ToArray()),
            _ => throw new NotSupportedException($"safetensors writer: dtype {t.dtype} is not supported"),
        };
    }

    private static Tensor FromBytes(ReadOnlySpan<byte> data, string dtype, long[] shape, string what)
    {
        long count = shape.Aggregate(1L, (a, b) => a * b);
        int width = dtype switch { "F32" => 4, "F64" => 8, "I64" => 8, "F16" => 2, "BF16" => 2, _ => 0 };
        if (width == 0) throw new VAEaseException($"{what}: unsupported dtype {dtype} (expected F32, F64, I64, F16 or BF16)");
        if (data.Length != count * width) throw new VAEaseException($"{what}: {data.Length} bytes for shape [{string.Join(", ", shape)}] of {dtype}");
        return dtype switch
        {
            "F32" => tensor(MemoryMarshal.Cast<byte, float>(data).ToArray(), shape),
            "F64" => tensor(MemoryMarshal.Cast<byte, double>(data).ToArray(), shape),
            "I64" => tensor(MemoryMarshal.Cast<byte, long>(data).ToArray(), shape),
            "F16" => tensor(Array.ConvertAll(MemoryMarshal.Cast<byte, Half>(data).ToArray(), h => (float)h), shape),
            _ => tensor(Array.ConvertAll(MemoryMarshal.Cast<byte, ushort>(data).ToArray(), b => BitConverter.Int32BitsToSingle(b << 16)), shape),
        };
    }
}
