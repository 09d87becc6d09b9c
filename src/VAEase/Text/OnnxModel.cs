using System.Buffers.Binary;
using System.Text;

namespace VAEase.Text;

/// <summary>The parts of an ONNX model (onnx.proto3) that we read: the graph's nodes (op type, inputs, outputs) and
/// its float32 initializers. A hand-written protobuf reader (wire types 0, 1, 2, 5), so the library needs no ONNX
/// runtime to take weights out of a model file.</summary>
public sealed class OnnxModel
{
    /// <summary>One graph node: its op type and the names of the tensors it reads and writes.</summary>
    public sealed record Node(string OpType, IReadOnlyList<string> Inputs, IReadOnlyList<string> Outputs);

    /// <summary>A float32 initializer: its shape and values in row-major order.</summary>
    public sealed record Initializer(long[] Dims, float[] Values);

    public IReadOnlyList<Node> Nodes { get; }

    /// <summary>The float32 initializers by name (other element types are skipped).</summary>
    public IReadOnlyDictionary<string, Initializer> Initializers { get; }

    /// <summary>The graph's input and output names.</summary>
    public IReadOnlyList<string> Inputs { get; }
    public IReadOnlyList<string> Outputs { get; }

    private OnnxModel(List<Node> nodes, Dictionary<string, Initializer> initializers, List<string> inputs, List<string> outputs) =>
        (Nodes, Initializers, Inputs, Outputs) = (nodes, initializers, inputs, outputs);

    /// <summary>Parses a whole model; a malformed file is a <see cref="VAEaseException"/> naming <paramref name="source"/>.</summary>
    public static OnnxModel Read(ReadOnlyMemory<byte> bytes, string source)
    {
        try
        {
            var (nodes, initializers, inputs, outputs) = (new List<Node>(), new Dictionary<string, Initializer>(), new List<string>(), new List<string>());
            bool graph = false;
            foreach (var (field, value) in Fields(bytes))
            {
                if (field != 7) continue; // ModelProto.graph
                graph = true;
                foreach (var (f, v) in Fields(value))
                {
                    if (f == 1) nodes.Add(ReadNode(v));
                    else if (f == 5 && ReadTensor(v) is { } t) initializers[t.Name] = t.Value;
                    else if (f == 11) inputs.Add(FirstString(v));
                    else if (f == 12) outputs.Add(FirstString(v));
                }
            }
            if (!graph || nodes.Count == 0) throw new FormatException("no graph");
            return new OnnxModel(nodes, initializers, inputs, outputs);
        }
        catch (Exception e) when (e is FormatException or ArgumentOutOfRangeException or IndexOutOfRangeException or OverflowException)
        {
            throw new VAEaseException($"{source}: not a readable ONNX model ({e.Message})");
        }
    }

    /// <summary>The initializer, or the one-line error naming the model.</summary>
    public Initializer Require(string name, string source) => Initializers.TryGetValue(name, out var t)
        ? t
        : throw new VAEaseException($"{source}: the model lacks the initializer '{name}'");

    private static Node ReadNode(ReadOnlyMemory<byte> bytes)
    {
        var (inputs, outputs, op) = (new List<string>(), new List<string>(), "");
        foreach (var (f, v) in Fields(bytes))
        {
            if (f == 1) inputs.Add(Utf8(v));
            else if (f == 2) outputs.Add(Utf8(v));
            else if (f == 4) op = Utf8(v);
        }
        return new Node(op, inputs, outputs);
    }

    /// <summary>TensorProto: dims (1), data_type (2, 1 = float), float_data (4), name (8), raw_data (9).</summary>
    private static (string Name, Initializer Value)? ReadTensor(ReadOnlyMemory<byte> bytes)
    {
        var dims = new List<long>();
        long type = 0;
        string name = "";
        ReadOnlyMemory<byte> raw = default, packed = default;
        foreach (var (f, v, scalar) in RawFields(bytes))
        {
            if (f == 1) dims.AddRange(v.IsEmpty ? [scalar] : Varints(v));
            else if (f == 2) type = scalar;
            else if (f == 4) packed = v;
            else if (f == 8) name = Utf8(v);
            else if (f == 9) raw = v;
        }
        if (type != 1) return null;
        ReadOnlySpan<byte> data = raw.IsEmpty ? packed.Span : raw.Span;
        long count = dims.Aggregate(1L, (a, b) => a * b);
        if (data.Length != 4 * count) throw new FormatException($"initializer '{name}' has {data.Length} bytes for {count} floats");
        var values = new float[count];
        for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(data[(4 * i)..]);
        return (name, new Initializer([.. dims], values));
    }

    private static string FirstString(ReadOnlyMemory<byte> bytes) => Fields(bytes).Where(x => x.Field == 1).Select(x => Utf8(x.Value)).FirstOrDefault() ?? "";

    private static string Utf8(ReadOnlyMemory<byte> bytes) => Encoding.UTF8.GetString(bytes.Span);

    /// <summary>The length-delimited fields of a message (others skipped).</summary>
    private static IEnumerable<(int Field, ReadOnlyMemory<byte> Value)> Fields(ReadOnlyMemory<byte> message) =>
        RawFields(message).Where(x => !x.Value.IsEmpty).Select(x => (x.Field, x.Value));

    /// <summary>Every field of a message: a length-delimited one as its bytes, a varint as its value.</summary>
    private static IEnumerable<(int Field, ReadOnlyMemory<byte> Value, long Scalar)> RawFields(ReadOnlyMemory<byte> message)
    {
        int pos = 0;
        while (pos < message.Length)
        {
            ulong key = Varint(message.Span, ref pos);
            int field = (int)(key >> 3);
            switch (key & 7)
            {
                case 0:
                    yield return (field, default, (long)Varint(message.Span, ref pos));
                    break;
                case 1:
                    pos += 8;
                    break;
                case 2:
                    int length = checked((int)Varint(message.Span, ref pos));
                    if (length < 0 || pos + length > message.Length) throw new FormatException("field runs past its message");
                    yield return (field, message.Slice(pos, length), length);
                    pos += length;
                    break;
                case 5:
                    pos += 4;
                    break;
                default:
                    throw new FormatException($"wire type {key & 7}");
            }
        }
        if (pos != message.Length) throw new FormatException("truncated message");
    }

    private static IEnumerable<long> Varints(ReadOnlyMemory<byte> packed)
    {
        var list = new List<long>();
        int pos = 0;
        while (pos < packed.Length) list.Add((long)Varint(packed.Span, ref pos));
        return list;
    }

    private static ulong Varint(ReadOnlySpan<byte> span, ref int pos)
    {
        ulong value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            byte b = span[pos++];
            value |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80) return value;
        }
        throw new FormatException("varint longer than 10 bytes");
    }
}
