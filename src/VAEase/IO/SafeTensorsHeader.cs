using System.Text.Json;
using static VAEase.IO.SafeTensors;

namespace VAEase.IO;

/// <summary>The header of a safetensors file, checked against every rule of the format before any number in it is
/// used: the header lies within the file and under the reference reader's 100 MB limit; each tensor has a dtype of the
/// format, non-negative dimensions, and exactly the bytes its shape needs (counted without overflow); and the tensors'
/// data tile the rest of the file, from its first byte to its last, without gaps or overlaps.</summary>
internal static class SafeTensorsHeader
{
    /// <summary>The largest header the reference implementation reads.</summary>
    private const long MaxHeaderBytes = 100_000_000;

    /// <summary>The tensors of the file, in header order.</summary>
    public static List<Entry> Read(string path)
    {
        using var stream = File.OpenRead(path);
        long fileLength = stream.Length;
        if (fileLength < 8) throw new VAEaseException($"{path}: not a safetensors file (shorter than its 8-byte header length)");
        Span<byte> lengthBytes = stackalloc byte[8];
        stream.ReadExactly(lengthBytes);
        ulong headerLength = BitConverter.ToUInt64(lengthBytes);
        if (headerLength > (ulong)(fileLength - 8)) throw new VAEaseException($"{path}: header length {headerLength} exceeds the file size");
        if (headerLength > MaxHeaderBytes) throw new VAEaseException($"{path}: header length {headerLength} exceeds the format's limit of {MaxHeaderBytes} bytes");
        byte[] json = new byte[headerLength];
        stream.ReadExactly(json);
        long dataStart = 8 + (long)headerLength;
        List<Entry> entries = Parse(json, path, dataStart, fileLength - dataStart);
        CheckTiling(entries, path, dataStart, fileLength);
        return entries;
    }

    private static List<Entry> Parse(byte[] json, string path, long dataStart, long dataLength)
    {
        var entries = new List<Entry>();
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object) throw new VAEaseException($"{path}: malformed safetensors header (not a JSON object)");
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (JsonProperty item in document.RootElement.EnumerateObject())
            {
                if (!names.Add(item.Name)) throw new VAEaseException($"{path}: malformed safetensors header (the name '{item.Name}' appears twice)");
                if (item.Name == "__metadata__")
                {
                    if (item.Value.ValueKind != JsonValueKind.Object || item.Value.EnumerateObject().Any(p => p.Value.ValueKind != JsonValueKind.String))
                        throw new VAEaseException($"{path}: malformed safetensors header (__metadata__ must map names to strings)");
                    continue;
                }
                entries.Add(Entry(item, path, dataStart, dataLength));
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException or FormatException)
        {
            throw new VAEaseException($"{path}: malformed safetensors header ({e.Message.Split('\n')[0]})", e);
        }
        return entries;
    }

    private static Entry Entry(JsonProperty item, string path, long dataStart, long dataLength)
    {
        string what = $"{path}: tensor '{item.Name}'";
        string dtype = item.Value.GetProperty("dtype").GetString() ?? "";
        long[] shape = [.. item.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64())];
        long[] offsets = [.. item.Value.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64())];
        int width = FormatWidth(dtype);
        if (width == 0) throw new VAEaseException($"{what}: '{dtype}' is not a safetensors dtype");
        if (shape.Any(n => n < 0)) throw new VAEaseException($"{what}: shape {Text(shape)} has a negative dimension");
        if (offsets.Length != 2 || offsets[0] < 0 || offsets[1] < offsets[0])
            throw new VAEaseException($"{what}: data offsets {Text(offsets)} are not a byte range [begin, end]");
        if (offsets[1] > dataLength)
            throw new VAEaseException($"{what}: data offsets {Text(offsets)} end past the file's {dataLength} data bytes (data offsets outside the file)");
        long bytes = ShapeSize.Bytes(shape, width)
            ?? throw new VAEaseException($"{what}: shape {Text(shape)} of {dtype} has more than {long.MaxValue} bytes");
        if (bytes != offsets[1] - offsets[0])
            throw new VAEaseException($"{what}: header/shape mismatch: shape {Text(shape)} of {dtype} needs {bytes} bytes, its data offsets span {offsets[1] - offsets[0]}");
        return new Entry(item.Name, dtype, shape, dataStart + offsets[0], bytes);
    }

    /// <summary>The data of the tensors, in offset order, must start at the data section, follow each other without
    /// a gap or an overlap, and end with the file, as the reference reader requires.</summary>
    private static void CheckTiling(List<Entry> entries, string path, long dataStart, long fileLength)
    {
        long at = dataStart;
        string? previous = null;
        foreach (Entry entry in entries.OrderBy(e => e.DataStart).ThenBy(e => e.ByteLength))
        {
            if (entry.DataStart < at) throw new VAEaseException($"{path}: the data of tensor '{entry.Name}' overlaps that of tensor '{previous}'");
            if (entry.DataStart > at)
                throw new VAEaseException($"{path}: {entry.DataStart - at} bytes before the data of tensor '{entry.Name}' belong to no tensor (the data must be contiguous)");
            at += entry.ByteLength;
            previous = entry.Name;
        }
        if (at != fileLength) throw new VAEaseException($"{path}: {fileLength - at} bytes after the tensors' data belong to no tensor");
    }

    /// <summary>Bytes per element of every dtype the format defines (what we can read is <see cref="SafeTensors.Width"/>), 0 for other names.</summary>
    private static int FormatWidth(string dtype) => dtype switch
    {
        "BOOL" or "U8" or "I8" or "F8_E5M2" or "F8_E4M3" or "F8_E8M0" => 1,
        "I16" or "U16" or "F16" or "BF16" => 2,
        "I32" or "U32" or "F32" => 4,
        "I64" or "U64" or "F64" or "C64" => 8,
        _ => 0,
    };

    internal static string Text(IEnumerable<long> numbers) => $"[{string.Join(", ", numbers)}]";
}
