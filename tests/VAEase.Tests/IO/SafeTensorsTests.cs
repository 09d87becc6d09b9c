using System.Text;
using VAEase.IO;
using static TorchSharp.torch;

namespace VAEase.Tests.IO;

public sealed class SafeTensorsTests
{
    /// <summary>Runs <paramref name="use"/> on the path of a temp file (named after the case), deleted afterwards.</summary>
    static void WithTempFile(Action<string> use, string name = "t")
    {
        string path = Path.Combine(Path.GetTempPath(), $"vaease-st-{name.Replace(' ', '-')}-{Guid.NewGuid():N}.safetensors");
        try
        {
            use(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Written_tensors_read_back_with_names_shapes_dtypes_and_values()
    {
        WithTempFile(path =>
        {
            using var w = tensor(new float[] { 1.5f, -2, 3, 4, 5, 6 }, [2, 3]);
            using var n = tensor(new long[] { 7 });
            SafeTensors.Write(path, new Dictionary<string, Tensor> { ["W_dec"] = w, ["num_batches_tracked"] = n }, new Dictionary<string, string> { ["format"] = "pt" });
            var read = SafeTensors.Read(path);
            Assert.Equal([2L, 3L], read["W_dec"].shape);
            Assert.Equal(ScalarType.Float32, read["W_dec"].dtype);
            Assert.Equal(w.data<float>().ToArray(), read["W_dec"].data<float>().ToArray());
            Assert.Equal(ScalarType.Int64, read["num_batches_tracked"].dtype);
            Assert.Equal(7L, read["num_batches_tracked"].item<long>());

            byte[] bytes = File.ReadAllBytes(path);
            ulong headerLength = BitConverter.ToUInt64(bytes, 0);
            Assert.Equal(0UL, headerLength % 8);
            Assert.Contains("\"data_offsets\":[0,24]", Encoding.UTF8.GetString(bytes, 8, (int)headerLength));
        });
    }

    [Fact]
    public void Half_precision_tensors_are_widened_to_float32()
    {
        // A hand-made file: F16 [1.0, -2.0] and BF16 [0.5] as the reference writer lays them out.
        string header = "{\"a\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"BF16\",\"shape\":[1],\"data_offsets\":[4,6]}}";
        byte[] json = Encoding.UTF8.GetBytes(header);
        byte[] data = [.. BitConverter.GetBytes((Half)1.0f), .. BitConverter.GetBytes((Half)(-2.0f)), 0x00, 0x3f];
        WithTempFile(path =>
        {
            File.WriteAllBytes(path, [.. BitConverter.GetBytes((ulong)json.Length), .. json, .. data]);
            var read = SafeTensors.Read(path);
            Assert.Equal(new float[] { 1, -2 }, read["a"].data<float>().ToArray());
            Assert.Equal(0.5f, read["b"].item<float>());
        });
    }

    /// <summary>A file of the given header (padded with spaces to 8 bytes, as the reference writer does) and data bytes.</summary>
    internal static byte[] Hand(string header, int dataBytes)
    {
        byte[] json = Encoding.UTF8.GetBytes(header.PadRight((header.Length + 7) / 8 * 8));
        return [.. BitConverter.GetBytes((ulong)json.Length), .. json, .. new byte[dataBytes]];
    }

    static string F32(string name, string shape, long begin, long end) =>
        $"\"{name}\":{{\"dtype\":\"F32\",\"shape\":{shape},\"data_offsets\":[{begin},{end}]}}";

    public static TheoryData<string, byte[], string> HostileHeaders => new()
    {
        { "too short", [1, 2, 3], "not a safetensors file (shorter than its 8-byte header length)" },
        { "header past the file", [255, 0, 0, 0, 0, 0, 0, 0, (byte)'{'], "header length 255 exceeds the file size" },
        { "byte count wraps int64", Hand($"{{{F32("x", "[4611686018427387904,4]", 0, 0)}}}", 0), "tensor 'x': shape [4611686018427387904, 4] of F32 has more than 9223372036854775807 bytes" },
        { "elements wrap to 16", Hand($"{{{F32("x", "[4611686018427387905,4]", 0, 16)}}}", 16), "has more than 9223372036854775807 bytes" },
        { "shape past int64", Hand($"{{{F32("x", "[18446744073709551616]", 0, 4)}}}", 4), "malformed safetensors header" },
        { "negative dimension", Hand($"{{{F32("x", "[-1,4]", 0, 16)}}}", 16), "tensor 'x': shape [-1, 4] has a negative dimension" },
        { "length disagrees with shape", Hand($"{{{F32("x", "[2,2]", 0, 24)}}}", 24), "header/shape mismatch: shape [2, 2] of F32 needs 16 bytes, its data offsets span 24" },
        { "offsets reversed", Hand($"{{{F32("x", "[2]", 8, 0)}}}", 8), "data offsets [8, 0] are not a byte range" },
        { "three offsets", Hand("{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4,8]}}", 8), "data offsets [0, 4, 8] are not a byte range" },
        { "offsets past the file", Hand($"{{{F32("x", "[4]", 0, 16)}}}", 8), "data offsets [0, 16] end past the file's 8 data bytes" },
        { "offset near int64 max", Hand($"{{{F32("x", "[2]", 9223372036854775800, 9223372036854775807)}}}", 8), "end past the file's 8 data bytes" },
        { "overlap", Hand($"{{{F32("a", "[2]", 0, 8)},{F32("b", "[2]", 4, 12)}}}", 12), "the data of tensor 'b' overlaps that of tensor 'a'" },
        { "same bytes twice", Hand($"{{{F32("a", "[2]", 0, 8)},{F32("b", "[2]", 0, 8)}}}", 8), "overlaps" },
        { "gap", Hand($"{{{F32("a", "[2]", 0, 8)},{F32("b", "[2]", 12, 20)}}}", 20), "4 bytes before the data of tensor 'b' belong to no tensor" },
        { "gap at the start", Hand($"{{{F32("a", "[2]", 8, 16)}}}", 16), "8 bytes before the data of tensor 'a' belong to no tensor" },
        { "trailing bytes", Hand($"{{{F32("a", "[2]", 0, 8)}}}", 12), "4 bytes after the tensors' data belong to no tensor" },
        { "unknown dtype", Hand("{\"x\":{\"dtype\":\"F33\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "tensor 'x': 'F33' is not a safetensors dtype" },
        { "duplicate name", Hand($"{{{F32("a", "[1]", 0, 4)},{F32("a", "[1]", 4, 8)}}}", 8), "the name 'a' appears twice" },
        { "metadata not strings", Hand("{\"__metadata__\":{\"n\":1}}", 0), "__metadata__ must map names to strings" },
        { "entry not an object", Hand("{\"x\":3}", 0), "malformed safetensors header" },
        { "not an object", Hand("[1, 2]", 0), "malformed safetensors header (not a JSON object)" },
    };

    [Theory]
    [MemberData(nameof(HostileHeaders))]
    public void A_header_breaking_a_rule_of_the_format_is_refused_before_its_numbers_are_used(string name, byte[] content, string expected)
    {
        WithTempFile(path =>
        {
            File.WriteAllBytes(path, content);
            var e = Assert.Throws<VAEaseException>(() => SafeTensors.List(path));
            Assert.StartsWith(path + ": ", e.Message);
            Assert.Contains(expected, e.Message);
            Assert.DoesNotContain('\n', e.Message);
        }, name);
    }

    [Fact]
    public void A_header_longer_than_the_formats_limit_is_refused_without_reading_it()
    {
        WithTempFile(path =>
        {
            using (var file = File.Create(path))
            {
                file.Write(BitConverter.GetBytes(200_000_000UL));
                file.SetLength(200_000_100); // sparse: nothing is written
            }
            var e = Assert.Throws<VAEaseException>(() => SafeTensors.List(path));
            Assert.Equal($"{path}: header length 200000000 exceeds the format's limit of 100000000 bytes", e.Message);
        });
    }

    [Fact]
    public void Reading_against_an_expected_layout_names_what_does_not_fit()
    {
        WithTempFile(path =>
        {
            using var w = tensor(new float[] { 1, 2, 3, 4, 5, 6 }, [2, 3]);
            using var b = tensor(new float[] { 1, float.NaN });
            SafeTensors.Write(path, new Dictionary<string, Tensor> { ["w"] = w, ["b"] = b });
            SafeTensors.Layout W(long[] shape, string dtype = "F32") => new("w", dtype, shape);
            SafeTensors.Layout B = new("b", "F32", [2]);

            string Problem(params SafeTensors.Layout[] expected) =>
                Assert.Throws<VAEaseException>(() => SafeTensors.ReadExpected(path, expected, "the test model")).Message;

            Assert.Equal($"{path}: tensor 'w' has shape [2, 3], but the test model needs [3, 2]", Problem(W([3, 2]), B));
            Assert.Equal($"{path}: tensor 'w' is F32, but the test model needs F64", Problem(W([2, 3], "F64"), B));
            Assert.Equal($"{path}: no tensor 'c', which the test model has", Problem(W([2, 3]), B, new("c", "F32", [1])));
            Assert.Equal($"{path}: tensor 'b' is not part of the test model", Problem(W([2, 3])));
            Assert.Equal($"{path}: tensor 'b' has 1 non-finite value (NaN or infinity)", Problem(W([2, 3]), B));
        });
    }
}
