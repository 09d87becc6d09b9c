using System.Text;
using VAEase.IO;
using static TorchSharp.torch;

namespace VAEase.Tests.IO;

public sealed class SafeTensorsTests
{
    static string TempFile() => Path.Combine(Path.GetTempPath(), $"vaease-st-{Guid.NewGuid():N}.safetensors");

    [Fact]
    public void Written_tensors_read_back_with_names_shapes_dtypes_and_values()
    {
        string path = TempFile();
        try
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
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Half_precision_tensors_are_widened_to_float32()
    {
        // A hand-made file: F16 [1.0, -2.0] and BF16 [0.5] as the reference writer lays them out.
        string header = "{\"a\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"BF16\",\"shape\":[1],\"data_offsets\":[4,6]}}";
        byte[] json = Encoding.UTF8.GetBytes(header);
        byte[] data = [.. BitConverter.GetBytes((Half)1.0f), .. BitConverter.GetBytes((Half)(-2.0f)), 0x00, 0x3f];
        string path = TempFile();
        try
        {
            File.WriteAllBytes(path, [.. BitConverter.GetBytes((ulong)json.Length), .. json, .. data]);
            var read = SafeTensors.Read(path);
            Assert.Equal(new float[] { 1, -2 }, read["a"].data<float>().ToArray());
            Assert.Equal(0.5f, read["b"].item<float>());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData(new byte[] { 1, 2, 3 }, "shorter than")]
    [InlineData(new byte[] { 255, 0, 0, 0, 0, 0, 0, 0, (byte)'{' }, "exceeds the file size")]
    public void Malformed_files_give_a_clear_error(byte[] content, string expected)
    {
        string path = TempFile();
        try
        {
            File.WriteAllBytes(path, content);
            var e = Assert.Throws<VAEaseException>(() => SafeTensors.Read(path));
            Assert.Contains(expected, e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
