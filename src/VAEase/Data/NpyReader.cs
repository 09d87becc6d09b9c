using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using VAEase.IO;
using static TorchSharp.torch;

namespace VAEase.Data;

/// <summary>Reader and writer of NumPy's .npy format (versions 1.0, 2.0 and 3.0): the magic
/// \x93NUMPY, a version, the header length (uint16 for 1.0, uint32 after), a Python dict literal
/// with 'descr', 'fortran_order' and 'shape', then the raw data, row by row (C order) or column by column
/// (Fortran order). Data matrices must be 2-D [n, d] of &lt;f4, &lt;f2 or &lt;f8 (read as float32, as NumPy
/// shows them, every value finite); label vectors 1-D of &lt;i8, &lt;i4, |u1 or |i1. Every violation throws a <see cref="VAEaseException"/> naming the file.</summary>
public static class NpyReader
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>The longest header we parse: NumPy's own reader refuses more than 10 000 bytes by default.</summary>
    private const long MaxHeaderBytes = 1 << 20;

    /// <summary>Data dtypes and the element type <see cref="MatrixSources"/> decodes them as.</summary>
    private static readonly Dictionary<string, string> DataTypes = new() { ["<f4"] = "F32", ["<f2"] = "F16", ["<f8"] = "F64" };

    /// <summary>Label dtypes and their width in bytes.</summary>
    private static readonly Dictionary<string, int> LabelTypes = new() { ["<i8"] = 8, ["<i4"] = 4, ["|u1"] = 1, ["<u1"] = 1, ["|i1"] = 1 };

    /// <summary>The parsed header.</summary>
    /// <param name="Version">Format major version: 1, 2 or 3.</param>
    /// <param name="Descr">The dtype string, e.g. "&lt;f4".</param>
    /// <param name="FortranOrder">Whether the data is stored column by column.</param>
    /// <param name="Shape">The array's shape.</param>
    /// <param name="DataOffset">Where the data starts in the file.</param>
    public sealed record Header(int Version, string Descr, bool FortranOrder, long[] Shape, long DataOffset);

    /// <summary>Parses the header; checks the magic, the version and the dict, not the dtype.</summary>
    public static Header ReadHeader(string path)
    {
        if (Directory.Exists(path)) throw new VAEaseException($"{path} is a directory, not a .npy file");
        if (!File.Exists(path)) throw new VAEaseException($"file not found: {path}");
        using var stream = File.OpenRead(path);
        return ReadHeader(stream, stream.Length, path);
    }

    /// <summary>Parses the header from the start of <paramref name="stream"/> (read forwards only, so a member of an .npz
    /// archive serves too), which holds <paramref name="length"/> bytes in all; <paramref name="name"/> starts each error.
    /// The stream is left at the start of the data.</summary>
    public static Header ReadHeader(Stream stream, long length, string name)
    {
        Span<byte> lead = stackalloc byte[12];
        int got = stream.ReadAtLeast(lead[..10], 10, throwOnEndOfStream: false);
        if (got < 6 || !lead[..6].SequenceEqual(Magic)) throw new VAEaseException($"{name}: not a .npy file (no \\x93NUMPY magic)");
        if (got < 10) throw new VAEaseException($"{name}: truncated .npy header");
        int major = lead[6];
        if (major is < 1 or > 3) throw new VAEaseException($"{name}: unsupported .npy version {major}.{lead[7]} (expected 1.0, 2.0 or 3.0)");
        if (major > 1 && stream.ReadAtLeast(lead[10..], 2, throwOnEndOfStream: false) < 2) throw new VAEaseException($"{name}: truncated .npy header");
        long headerLength = major == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(lead[8..]) : BinaryPrimitives.ReadUInt32LittleEndian(lead[8..]);
        long dataOffset = (major == 1 ? 10 : 12) + headerLength;
        if (dataOffset > length) throw new VAEaseException($"{name}: truncated .npy header");
        if (headerLength > MaxHeaderBytes) throw new VAEaseException($"{name}: .npy header of {headerLength} bytes is implausibly long (NumPy writes under 10 kB)");
        byte[] raw = new byte[headerLength];
        if (stream.ReadAtLeast(raw, raw.Length, throwOnEndOfStream: false) < raw.Length) throw new VAEaseException($"{name}: truncated .npy header");
        string text = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(raw);
        var dict = HeaderParser.Parse(text, name);
        string descr = dict.TryGetValue("descr", out var d) && d is string s ? s
            : throw new VAEaseException($"{name}: the .npy header's 'descr' is missing or not a simple dtype string (structured arrays are not supported)");
        bool fortran = dict.TryGetValue("fortran_order", out var f) && f is bool b ? b
            : throw new VAEaseException($"{name}: the .npy header's 'fortran_order' is missing or not True/False");
        long[] shape = dict.TryGetValue("shape", out var sh) && sh is long[] dims ? dims
            : throw new VAEaseException($"{name}: the .npy header's 'shape' is missing or not a tuple of integers");
        return new Header(major, descr, fortran, shape, dataOffset);
    }

    /// <summary>Shape, element type and layout of a data matrix, from the header alone, fully checked (dtype, 2-D,
    /// non-empty, file size). Element type is "F32", "F16" or "F64"; a Fortran-order matrix is stored column by column.</summary>
    public static (long Rows, int Dim, string ElementType, long DataOffset, bool FortranOrder) ReadMatrixHeader(string path)
    {
        Header h = ReadHeader(path);
        return CheckMatrix(h, new FileInfo(path).Length, path);
    }

    /// <summary>Checks the header <paramref name="h"/> of a file or archive member of <paramref name="length"/> bytes as a data matrix's.</summary>
    internal static (long Rows, int Dim, string ElementType, long DataOffset, bool FortranOrder) CheckMatrix(Header h, long length, string name)
    {
        if (!DataTypes.TryGetValue(h.Descr, out string? element))
            throw new VAEaseException($"{name}: {DtypeProblem(h.Descr)} for data (expected <f4, <f2 or <f8)");
        if (h.Shape.Length != 2)
            throw new VAEaseException($"{name}: data must be a 2-D array [n, d], got shape {ShapeText(h.Shape)}");
        if (h.Shape[0] == 0) throw new VAEaseException($"{name}: the array has 0 rows");
        if (h.Shape[1] == 0 || h.Shape[1] > int.MaxValue) throw new VAEaseException($"{name}: row length {h.Shape[1]} is not usable (must be 1..{int.MaxValue})");
        CheckSize(h, length, name, element == "F32" ? 4 : element == "F16" ? 2 : 8);
        return (h.Shape[0], (int)h.Shape[1], element, h.DataOffset, h.FortranOrder);
    }

    /// <summary>A data matrix as float32 [n, d].</summary>
    public static Tensor ReadMatrix(string path)
    {
        var (rows, dim, element, offset, fortran) = ReadMatrixHeader(path);
        var x = empty(rows, dim, dtype: ScalarType.Float32);
        try
        {
            using var stream = File.OpenRead(path);
            MatrixSources.ReadPart(stream, new MatrixSources.Part(path, offset, element, rows, dim, fortran), x, 0, 0, rows);
            return x;
        }
        catch
        {
            x.Dispose();
            throw;
        }
    }

    /// <summary>How many labels a label vector holds, from its header alone, fully checked (dtype, order, 1-D, file size).</summary>
    public static long LabelCount(string path) => LabelHeader(path).Header.Shape[0];

    private static (Header Header, int Width) LabelHeader(string path)
    {
        Header h = ReadHeader(path);
        if (!LabelTypes.TryGetValue(h.Descr, out int width))
            throw new VAEaseException($"{path}: {DtypeProblem(h.Descr)} for labels (expected <i8, <i4, |u1 or |i1)");
        if (h.Shape.Length != 1) throw new VAEaseException($"{path}: labels must be a 1-D array [n], got shape {ShapeText(h.Shape)}");
        if (h.Shape[0] > Array.MaxLength / width) throw new VAEaseException($"{path}: {h.Shape[0]} labels are too many to hold in memory");
        CheckSize(h, new FileInfo(path).Length, path, width); // a 1-D array is laid out alike in C and Fortran order
        return (h, width);
    }

    /// <summary>A 1-D integer label vector.</summary>
    public static long[] ReadLabels(string path)
    {
        var (h, width) = LabelHeader(path);
        byte[] bytes = new byte[h.Shape[0] * width];
        using (var stream = File.OpenRead(path))
        {
            stream.Position = h.DataOffset;
            stream.ReadExactly(bytes);
        }
        return h.Descr switch
        {
            "<i8" => MemoryMarshal.Cast<byte, long>(bytes).ToArray(),
            "<i4" => Array.ConvertAll(MemoryMarshal.Cast<byte, int>(bytes).ToArray(), v => (long)v),
            "|i1" => Array.ConvertAll(bytes, v => (long)(sbyte)v),
            _ => Array.ConvertAll(bytes, v => (long)v),
        };
    }

    /// <summary>Writes a float32 2-D tensor as &lt;f4, or an int64 or int32 1-D tensor as &lt;i8 or &lt;i4 (version
    /// 1.0, or 2.0 if the header would not fit), atomically.</summary>
    public static void Write(string path, Tensor array)
    {
        ArgumentNullException.ThrowIfNull(array);
        string descr = (array.dtype, array.dim()) switch
        {
            (ScalarType.Float32, 2) => "<f4",
            (ScalarType.Int64, 1) => "<i8",
            (ScalarType.Int32, 1) => "<i4",
            _ => throw new ArgumentException($"npy writer: expected a float32 2-D or int64/int32 1-D tensor, got {array.dtype} of shape [{string.Join(", ", array.shape)}]", nameof(array)),
        };
        string shape = array.dim() == 1 ? $"({array.shape[0]},)" : $"({array.shape[0]}, {array.shape[1]})";
        byte[] header = HeaderBytes($"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}");
        AtomicFile.Write(path, stream =>
        {
            stream.Write(header);
            using var cpu = array.detach().cpu().contiguous();
            long rows = cpu.shape[0];
            long step = Math.Max(1, (1 << 22) / Math.Max(1, cpu.numel() / Math.Max(1, rows)));
            for (long start = 0; start < rows; start += step)
            {
                using var part = cpu.narrow(0, start, Math.Min(step, rows - start));
                stream.Write(descr switch
                {
                    "<f4" => MemoryMarshal.AsBytes(part.data<float>().ToArray().AsSpan()),
                    "<i8" => MemoryMarshal.AsBytes(part.data<long>().ToArray().AsSpan()),
                    _ => MemoryMarshal.AsBytes(part.data<int>().ToArray().AsSpan()),
                });
            }
        });
    }

    /// <summary>Writes labels as a 1-D &lt;i8 array.</summary>
    public static void Write(string path, long[] labels)
    {
        using var t = tensor(labels);
        Write(path, t);
    }

    /// <summary>Writes counts as a 1-D &lt;i4 array.</summary>
    public static void Write(string path, int[] values)
    {
        using var t = tensor(values);
        Write(path, t);
    }

    /// <summary>Writes a float32 matrix [rows, cols] as &lt;f4 whose C-order little-endian bytes
    /// <paramref name="writeRows"/> streams, so the matrix never has to exist whole; atomically. Throws if
    /// the data written is not exactly rows * cols floats.</summary>
    public static void WriteMatrix(string path, long rows, int cols, Action<Stream> writeRows)
    {
        byte[] header = HeaderBytes($"{{'descr': '<f4', 'fortran_order': False, 'shape': ({rows}, {cols}), }}");
        AtomicFile.Write(path, stream =>
        {
            stream.Write(header);
            long start = stream.Position;
            writeRows(stream);
            long expected = rows * cols * sizeof(float);
            if (stream.Position - start != expected)
                throw new InvalidOperationException($"npy writer: {stream.Position - start} data bytes written for shape ({rows}, {cols}) of <f4, expected {expected}");
        });
    }

    /// <summary>Magic, version, length and the dict padded with spaces and a newline so the data
    /// starts on a 64-byte boundary, as NumPy writes it.</summary>
    private static byte[] HeaderBytes(string dict)
    {
        int version = dict.Length + 64 + 10 <= ushort.MaxValue ? 1 : 2;
        int prefix = version == 1 ? 10 : 12;
        int padded = (prefix + dict.Length + 1 + 63) / 64 * 64 - prefix;
        byte[] text = Encoding.Latin1.GetBytes(dict.PadRight(padded - 1) + "\n");
        byte[] length = version == 1 ? BitConverter.GetBytes((ushort)text.Length) : BitConverter.GetBytes((uint)text.Length);
        return [.. Magic, (byte)version, 0, .. length, .. text];
    }

    private static string DtypeProblem(string descr) => descr.Length > 0 && descr[0] == '>'
        ? $"big-endian dtype '{descr}' is not supported (save it with arr.astype('<{descr[1..]}'))"
        : $"unsupported dtype '{descr}'";

    /// <summary>The data must be exactly the bytes the shape declares: fewer is truncation, more a shape mismatch.</summary>
    private static void CheckSize(Header h, long length, string name, int width)
    {
        long expected = ShapeSize.Bytes(h.Shape, width)
            ?? throw new VAEaseException($"{name}: shape {ShapeText(h.Shape)} of '{h.Descr}' has more than {long.MaxValue} bytes");
        long actual = length - h.DataOffset;
        if (actual < expected) throw new VAEaseException($"{name}: truncated: shape {ShapeText(h.Shape)} of '{h.Descr}' needs {expected} data bytes, the file has {actual}");
        if (actual > expected) throw new VAEaseException($"{name}: header/shape mismatch: shape {ShapeText(h.Shape)} of '{h.Descr}' needs {expected} data bytes, the file has {actual}");
    }

    private static string ShapeText(long[] shape) => shape.Length == 1 ? $"({shape[0]},)" : $"({string.Join(", ", shape)})";

    /// <summary>Parses the header's Python literal: a dict of string keys whose values are strings,
    /// True/False, or tuples of integers. Anything else (e.g. a structured dtype list) is kept as
    /// null so the caller can name the field.</summary>
    private sealed class HeaderParser(string text, string path)
    {
        private int pos;

        public static Dictionary<string, object?> Parse(string text, string path) => new HeaderParser(text, path).Dict();

        private Dictionary<string, object?> Dict()
        {
            var result = new Dictionary<string, object?>();
            Expect('{');
            while (Peek() != '}')
            {
                string key = Str();
                Expect(':');
                if (!result.TryAdd(key, Value())) throw Fail($"duplicate key '{key}'");
                if (Peek() == ',') pos++;
                else if (Peek() != '}') throw Fail("expected ',' or '}'");
            }
            pos++;
            if (text[pos..].Trim().Length > 0) throw Fail("text after the dict");
            return result;
        }

        private object? Value()
        {
            char c = Peek();
            if (c is '\'' or '"') return Str();
            if (c == '(') return Tuple();
            if (Word("True")) return true;
            if (Word("False")) return false;
            SkipValue();
            return null;
        }

        private long[] Tuple()
        {
            Expect('(');
            var dims = new List<long>();
            while (Peek() != ')')
            {
                int start = pos;
                while (pos < text.Length && char.IsAsciiDigit(text[pos])) pos++;
                if (pos == start) throw Fail("shape entries must be non-negative integers");
                if (!long.TryParse(text.AsSpan(start, pos - start), NumberStyles.None, CultureInfo.InvariantCulture, out long n))
                    throw Fail($"shape entry {text[start..pos]} exceeds {long.MaxValue}");
                if (pos < text.Length && text[pos] == 'L') pos++; // Python 2 longs
                dims.Add(n);
                if (Peek() == ',') pos++;
                else if (Peek() != ')') throw Fail("expected ',' or ')' in the shape");
            }
            pos++;
            return [.. dims];
        }

        private string Str()
        {
            char quote = Peek();
            if (quote is not ('\'' or '"')) throw Fail("expected a quoted string");
            int end = text.IndexOf(quote, ++pos);
            if (end < 0) throw Fail("unterminated string");
            string s = text[pos..end];
            pos = end + 1;
            return s;
        }

        /// <summary>Skips a value we do not model (nested brackets, strings inside).</summary>
        private void SkipValue()
        {
            int depth = 0;
            while (pos < text.Length)
            {
                char c = text[pos];
                if (c is '\'' or '"') { Str(); continue; }
                if (c is '[' or '(' or '{') depth++;
                else if (c is ']' or ')' or '}') { if (depth == 0) return; depth--; }
                else if (c == ',' && depth == 0) return;
                pos++;
            }
        }

        private bool Word(string word)
        {
            if (string.CompareOrdinal(text, pos, word, 0, word.Length) != 0) return false;
            pos += word.Length;
            return true;
        }

        private char Peek()
        {
            while (pos < text.Length && char.IsWhiteSpace(text[pos])) pos++;
            if (pos >= text.Length) throw Fail("unexpected end");
            return text[pos];
        }

        private void Expect(char c)
        {
            if (Peek() != c) throw Fail($"expected '{c}'");
            pos++;
        }

        private VAEaseException Fail(string problem)
        {
            string shown = text.Trim().ReplaceLineEndings(" ");
            if (shown.Length > 120) shown = shown[..120] + "...";
            return new VAEaseException($"{path}: malformed .npy header ({problem} at character {pos}): {shown}");
        }
    }
}
