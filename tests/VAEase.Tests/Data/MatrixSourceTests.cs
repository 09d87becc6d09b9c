using System.Text;
using VAEase.Data;
using VAEase.IO;
using static TorchSharp.torch;
using static VAEase.Tests.Data.IdxReaderTests;
using static VAEase.Tests.Data.NpyReaderTests;

namespace VAEase.Tests.Data;

/// <summary>Data specs that read files: npy:, safetensors:, shards: and the image sets, their
/// canonical forms, header-only descriptions, and one-line errors naming the file.</summary>
public sealed class MatrixSourceTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("vaease-src-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    // Exactly representable in float16 and bfloat16.
    private static readonly float[] Values = [1.5f, -2, 0.25f, 4, 0.5f, 6];

    private static void AssertInfo(DataSpec.Info info, string family, int dim, long count)
    {
        Assert.Equal((family, dim, count, 0L), (info.Family, info.Dim, info.Count, info.Seed));
        Assert.Empty(info.Pieces);
    }

    private string Save(string name, byte[] content)
    {
        string path = Path.Combine(dir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
        return path;
    }

    private string SaveMatrix(string name, float[] values, int rows, int dim) =>
        Save(name, Npy(Dict("<f4", $"({rows}, {dim})"), Bytes(values)));

    private string SaveLabels(string name, params long[] labels) => Save(name, Npy(Dict("<i8", $"({labels.Length},)"), Bytes(labels)));

    /// <summary>A safetensors file laid out by hand, with a __metadata__ entry as PyTorch writes.</summary>
    private static byte[] SafeTensorsBytes(params (string Name, string DType, long[] Shape, byte[] Data)[] tensors)
    {
        var header = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\"}");
        var data = new List<byte>();
        foreach (var (name, dtype, shape, bytes) in tensors)
        {
            header.Append($",\"{name}\":{{\"dtype\":\"{dtype}\",\"shape\":[{string.Join(",", shape)}],\"data_offsets\":[{data.Count},{data.Count + bytes.Length}]}}");
            data.AddRange(bytes);
        }
        byte[] json = Encoding.UTF8.GetBytes(header.Append('}').ToString());
        return [.. BitConverter.GetBytes((ulong)json.Length), .. json, .. data];
    }

    private static byte[] BFloat16(float[] values) =>
        values.SelectMany(v => BitConverter.GetBytes((ushort)(BitConverter.SingleToInt32Bits(v) >>> 16))).ToArray();

    private string SaveTwoTensors(string name) => Save(name, SafeTensorsBytes(
        ("acts", "F16", [2, 3], Bytes(Values.Select(v => (Half)v).ToArray())),
        ("other", "BF16", [3, 2], BFloat16(Values)),
        ("ids", "I64", [2], Bytes(5L, 6L)),
        ("bias", "F32", [6], Bytes(Values))));

    [Fact]
    public void Npy_spec_loads_the_matrix_with_its_labels_named_by_the_canonical_spec()
    {
        string x = SaveMatrix("x.npy", Values, 3, 2);
        string y = SaveLabels("y.npy", 2, 0, 2);
        string spec = $"npy:{x},labels={y}";

        using var data = DataSpec.Load(spec);

        Assert.Equal(Values, data.X.data<float>().ToArray());
        Assert.Equal([3L, 2L], data.X.shape);
        Assert.Equal([2L, 0, 2], data.Labels!);
        Assert.Equal(spec, data.Name);
        Assert.Equal(spec, DataSpec.Canonical(spec));
    }

    [Fact]
    public void Describe_reads_only_headers_so_bad_values_show_up_on_load()
    {
        string x = SaveMatrix("nan.npy", [1, 2, 3, float.NaN], 2, 2);

        var info = DataSpec.Describe($"npy:{x}");
        var e = Assert.Throws<VAEaseException>(() => DataSpec.Load($"npy:{x}"));

        AssertInfo(info, "npy", dim: 2, count: 2);
        Assert.Equal($"{x}: row 1 has a non-finite value at column 1 (NaN); data must be finite", e.Message);
    }

    public static TheoryData<string, string> CanonicalForms => new()
    {
        { "npy:x.npy", $"npy:{Path.GetFullPath("x.npy")}" },
        { " NPY: sub/../x.npy , LABELS = y.npy ", $"npy:{Path.GetFullPath("x.npy")},labels={Path.GetFullPath("y.npy")}" },
        { "npy:~/x.npy", $"npy:{Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), "x.npy")}" },
        { "safetensors:a.safetensors,labels=l.npy,tensor=h.3", $"safetensors:{Path.GetFullPath("a.safetensors")},tensor=h.3,labels={Path.GetFullPath("l.npy")}" },
        { "shards:acts/", $"shards:{Path.GetFullPath("acts")}" },
        { "mnist", "mnist:split=train" },
        { "MNIST:split=TEST", "mnist:split=test" },
        { "fashion-mnist:split=all", "fashion-mnist:split=all" },
    };

    [Theory]
    [MemberData(nameof(CanonicalForms))]
    public void Canonical_makes_paths_absolute_and_orders_keys_without_reading_files(string spec, string canonical)
    {
        Assert.Equal(canonical, DataSpec.Canonical(spec));
    }

    [Theory]
    [InlineData("npy:", "missing path after 'npy:'")]
    [InlineData("npy:a.npy,b.npy", "'b.npy' is not key=value")]
    [InlineData("npy:a.npy,tensor=t", "unknown key 'tensor' for kind 'npy' (known: labels)")]
    [InlineData("safetensors:a.st,labels=", "labels is empty")]
    [InlineData("shards:d,labels=a.npy,labels=b.npy", "duplicate key 'labels'")]
    [InlineData("mnist:split=val", "split must be train, test or all, got 'val'")]
    [InlineData("mnist:train", "'train' is not key=value")]
    [InlineData("fashion-mnist:n=5", "unknown key 'n' for kind 'fashion-mnist' (known: split)")]
    [InlineData("gauss:d=3", "unknown kind 'gauss' (known: linear, mlp, npy, safetensors, shards, npz, parquet, mnist, fashion-mnist")]
    public void Malformed_file_spec_is_a_one_line_error_before_any_file_is_read(string spec, string problem)
    {
        var e = Assert.Throws<VAEaseException>(() => DataSpec.Canonical(spec));

        Assert.StartsWith("data spec '", e.Message);
        Assert.Contains(problem, e.Message);
        Assert.Equal(e.Message, Assert.Throws<VAEaseException>(() => DataSpec.Describe(spec)).Message);
    }

    [Fact]
    public void Help_lists_the_file_kinds()
    {
        foreach (string word in new[] { "npy:PATH", "safetensors:PATH", "tensor=NAME", "shards:DIR", "labels=PATH", "mnist[:split=train|test|all]", "fashion-mnist" })
            Assert.Contains(word, DataSpec.Help);
    }

    [Fact]
    public void Safetensors_tensor_is_picked_by_name_and_widened_to_float32()
    {
        string path = SaveTwoTensors("two.safetensors");

        using var acts = DataSpec.Load($"safetensors:{path},tensor=acts");
        using var other = DataSpec.Load($"safetensors:{path},tensor=other");

        Assert.Equal([2L, 3L], acts.X.shape);
        Assert.Equal(Values, acts.X.data<float>().ToArray());
        Assert.Equal([3L, 2L], other.X.shape);
        Assert.Equal(Values, other.X.data<float>().ToArray());
        Assert.Null(acts.Labels);
        AssertInfo(DataSpec.Describe($"safetensors:{path},tensor=other"), "safetensors", dim: 2, count: 3);
    }

    [Fact]
    public void Safetensors_with_one_tensor_needs_no_name()
    {
        string path = Save("one.safetensors", SafeTensorsBytes(("x", "F32", [3, 2], Bytes(Values))));

        using var data = DataSpec.Load($"safetensors:{path}");

        Assert.Equal(Values, data.X.data<float>().ToArray());
    }

    [Theory]
    [InlineData("", "4 tensors (acts F16[2, 3], other BF16[3, 2], ids I64[2], bias F32[6]); choose one with tensor=NAME")]
    [InlineData(",tensor=nope", "no tensor 'nope' (the file has: acts F16[2, 3], other BF16[3, 2], ids I64[2], bias F32[6])")]
    [InlineData(",tensor=ids", "tensor 'ids': unsupported dtype I64 for data (expected F32, F16, BF16 or F64)")]
    [InlineData(",tensor=bias", "tensor 'bias': data must be 2-D [n, d], got shape [6]")]
    public void Safetensors_tensor_that_cannot_be_data_is_an_error_naming_the_file(string keys, string problem)
    {
        string path = SaveTwoTensors("two.safetensors");

        var e = Assert.Throws<VAEaseException>(() => DataSpec.Load($"safetensors:{path}{keys}"));

        Assert.Equal($"{path}: {problem}", e.Message);
    }

    [Fact]
    public void Safetensors_shape_that_disagrees_with_the_data_offsets_is_an_error()
    {
        string path = Save("bad.safetensors", SafeTensorsBytes(("x", "F32", [2, 2], Bytes(Values))));

        var e = Assert.Throws<VAEaseException>(() => DataSpec.Describe($"safetensors:{path}"));

        Assert.Equal($"{path}: tensor 'x': header/shape mismatch: shape [2, 2] of F32 needs 16 bytes, its data offsets span 24", e.Message);
    }

    [Fact]
    public void Safetensors_rows_with_inf_name_the_file_and_row()
    {
        string path = Save("inf.safetensors", SafeTensorsBytes(("x", "BF16", [3, 2], BFloat16([1, 2, 3, 4, float.NegativeInfinity, 6]))));

        var e = Assert.Throws<VAEaseException>(() => DataSpec.Load($"safetensors:{path}"));

        Assert.Equal($"{path}: row 2 has a non-finite value at column 0 (-Infinity); data must be finite", e.Message);
    }

    [Fact]
    public void SafeTensors_lists_entries_from_the_header_and_reads_one_tensor_by_name()
    {
        string path = SaveTwoTensors("two.safetensors");

        var entries = SafeTensors.List(path);
        using var other = SafeTensors.ReadTensor(path, "other");
        var e = Assert.Throws<VAEaseException>(() => SafeTensors.ReadTensor(path, "W_enc"));

        Assert.Equal(["acts", "other", "ids", "bias"], entries.Select(x => x.Name));
        Assert.Equal(["F16", "BF16", "I64", "F32"], entries.Select(x => x.DType));
        Assert.Equal([3L, 2L], entries[1].Shape);
        Assert.Equal(12, entries[1].ByteLength);
        Assert.Equal(entries[0].DataStart + 12, entries[1].DataStart);
        Assert.Equal(Values, other.data<float>().ToArray());
        Assert.Equal($"{path}: no tensor 'W_enc' (the file has: acts, other, ids, bias)", e.Message);
    }

    [Fact]
    public void Npy_shards_are_stacked_in_name_order_with_one_label_file()
    {
        string shards = Path.Combine(dir, "shards");
        SaveMatrix("shards/part-1.npy", [4, 5], 1, 2);
        SaveMatrix("shards/part-0.npy", [0, 1, 2, 3], 2, 2);
        string labels = SaveLabels("labels.npy", 7, 8, 9);

        using var data = DataSpec.Load($"shards:{shards}/,labels={labels}");

        Assert.Equal([0f, 1, 2, 3, 4, 5], data.X.data<float>().ToArray());
        Assert.Equal([7L, 8, 9], data.Labels!);
        Assert.Equal($"shards:{shards},labels={labels}", data.Name);
        AssertInfo(DataSpec.Describe($"shards:{shards}"), "shards", dim: 2, count: 3);
    }

    [Fact]
    public void Safetensors_shards_use_the_named_tensor_of_each_file()
    {
        string shards = Path.Combine(dir, "st");
        Save("st/a.safetensors", SafeTensorsBytes(("acts", "F32", [1, 3], Bytes(1f, 2f, 3f)), ("ids", "I64", [1], Bytes(1L))));
        Save("st/b.safetensors", SafeTensorsBytes(("acts", "F16", [1, 3], Bytes((Half)4, (Half)5, (Half)6)), ("ids", "I64", [1], Bytes(2L))));

        using var data = DataSpec.Load($"shards:{shards},tensor=acts");

        Assert.Equal([2L, 3L], data.X.shape);
        Assert.Equal([1f, 2, 3, 4, 5, 6], data.X.data<float>().ToArray());
    }

    [Fact]
    public void Shard_folder_problems_are_errors_naming_the_folder_or_file()
    {
        string empty = Directory.CreateDirectory(Path.Combine(dir, "empty")).FullName;
        string mixed = Path.Combine(dir, "mixed");
        SaveMatrix("mixed/a.npy", [1, 2], 1, 2);
        Save("mixed/b.safetensors", SafeTensorsBytes(("x", "F32", [1, 2], Bytes(1f, 2f))));
        string widths = Path.Combine(dir, "widths");
        SaveMatrix("widths/a.npy", [1, 2], 1, 2);
        string wide = SaveMatrix("widths/b.npy", [1, 2, 3], 1, 3);
        string ok = Path.Combine(dir, "ok");
        SaveMatrix("ok/a.npy", [1, 2, 3, 4, 5, 6], 3, 2);
        string labels = SaveLabels("two.npy", 0, 1);

        Assert.Equal($"{empty}: no .npy or .safetensors shards in the folder", Assert.Throws<VAEaseException>(() => DataSpec.Load($"shards:{empty}")).Message);
        Assert.Equal($"{mixed}: the folder mixes .npy (1) and .safetensors (1) shards; keep one format per folder",
            Assert.Throws<VAEaseException>(() => DataSpec.Describe($"shards:{mixed}")).Message);
        Assert.Equal($"{wide}: rows of d = 3, but {Path.Combine(widths, "a.npy")} has d = 2; all shards need the same d",
            Assert.Throws<VAEaseException>(() => DataSpec.Load($"shards:{widths}")).Message);
        Assert.Equal($"folder not found: {Path.Combine(dir, "nope")}", Assert.Throws<VAEaseException>(() => DataSpec.Load($"shards:{dir}/nope")).Message);
        Assert.Equal($"{widths}: tensor=x applies to .safetensors shards, but the folder holds .npy files",
            Assert.Throws<VAEaseException>(() => DataSpec.Load($"shards:{widths},tensor=x")).Message);
        Assert.Equal($"{labels}: 2 labels for the 3 rows of {ok}",
            Assert.Throws<VAEaseException>(() => DataSpec.Load($"shards:{ok},labels={labels}")).Message);
    }

    [Fact]
    public void Label_count_that_differs_from_the_rows_is_an_error_naming_the_label_file()
    {
        string x = SaveMatrix("x.npy", Values, 3, 2);
        string y = SaveLabels("y.npy", 0, 1);

        var e = Assert.Throws<VAEaseException>(() => DataSpec.Load($"npy:{x},labels={y}"));

        Assert.Equal($"{y}: 2 labels for the 3 rows of {x}", e.Message);
    }

    /// <summary>A tiny image set: 3 training and 2 test images of 2x2, some files gzipped.</summary>
    private string FakeImageSet(string name)
    {
        Save($"{name}/train-images-idx3-ubyte.gz", Gzip(Idx([3, 2, 2], [0, 255, 51, 102, 1, 2, 3, 4, 5, 6, 7, 8])));
        Save($"{name}/train-labels-idx1-ubyte", Idx([3], [5, 0, 4]));
        Save($"{name}/t10k-images-idx3-ubyte", Idx([2, 2, 2], [255, 255, 255, 255, 0, 0, 0, 0]));
        Save($"{name}/t10k-labels-idx1-ubyte.gz", Gzip(Idx([2], [7, 2])));
        return Path.Combine(dir, name);
    }

    [Fact]
    public void Image_set_splits_load_scaled_pixels_and_labels_from_the_first_complete_folder()
    {
        string partial = Path.Combine(dir, "partial");
        Save("partial/train-images-idx3-ubyte", Idx([1, 1, 1], [9]));
        string[] folders = [Path.Combine(dir, "absent"), partial, FakeImageSet("set")];

        using var train = MatrixSources.LoadImageSet("mnist", "train", "mnist:split=train", folders);
        using var test = MatrixSources.LoadImageSet("mnist", "test", "mnist:split=test", folders);
        using var all = MatrixSources.LoadImageSet("mnist", "all", "mnist:split=all", folders);

        Assert.Equal([3L, 4L], train.X.shape);
        Assert.Equal([0f, 1, 0.2f, 0.4f], train.X[0].data<float>().ToArray());
        Assert.Equal([5L, 0, 4], train.Labels!);
        Assert.Equal([1f, 1, 1, 1, 0, 0, 0, 0], test.X.data<float>().ToArray());
        Assert.Equal([7L, 2], test.Labels!);
        Assert.Equal([5L, 4L], all.X.shape);
        Assert.Equal([5L, 0, 4, 7, 2], all.Labels!);
        Assert.Equal(1f, all.X[3, 0].item<float>());
        Assert.Equal((5L, 4), MatrixSources.ImageSetShape("mnist", "all", folders));
    }

    [Fact]
    public void Missing_image_set_says_where_it_looked_and_how_to_install_it()
    {
        string absent = Path.Combine(dir, "absent");
        string partial = Path.Combine(dir, "partial");
        Save("partial/train-images-idx3-ubyte.gz", Gzip(Idx([1, 1, 1], [9])));
        Save("partial/train-labels-idx1-ubyte", Idx([1], [9]));

        var e = Assert.Throws<VAEaseException>(() => MatrixSources.LoadImageSet("fashion-mnist", "train", "x", [absent, partial]));

        Assert.Equal("fashion-mnist is not installed: looked for train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, " +
            $"t10k-labels-idx1-ubyte (plain or .gz) in {absent}; {partial} (missing t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte). " +
            "Install it with `vaease data install fashion-mnist`", e.Message);
    }

    [Fact]
    public void Image_set_whose_label_count_differs_from_its_images_is_an_error()
    {
        string folder = FakeImageSet("set");
        string labels = Save("set/train-labels-idx1-ubyte", Idx([2], [5, 0]));

        var e = Assert.Throws<VAEaseException>(() => MatrixSources.LoadImageSet("mnist", "train", "x", [folder]));

        Assert.Equal($"{labels}: 2 labels for the 3 images of {Path.Combine(folder, "train-images-idx3-ubyte.gz")}", e.Message);
    }

    [Fact]
    public void Image_set_folders_are_searched_in_the_documented_order()
    {
        string? saved = Environment.GetEnvironmentVariable("VAEASE_DATA_DIR");
        try
        {
            Environment.SetEnvironmentVariable("VAEASE_DATA_DIR", dir);
            string cache = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "vaease");

            Assert.Equal([Path.Combine(dir, "mnist"), Path.GetFullPath("data/mnist"), Path.Combine(cache, "mnist")], MatrixSources.ImageSetFolders("mnist"));
            Assert.Equal("/usr/share/datasets/fashion-mnist", MatrixSources.ImageSetFolders("fashion-mnist")[^1]);
            Assert.Equal(4, MatrixSources.ImageSetFolders("fashion-mnist").Count);
        }
        finally
        {
            Environment.SetEnvironmentVariable("VAEASE_DATA_DIR", saved);
        }
    }

    [Fact]
    public void Installed_mnist_loads_60000_images_of_784_pixels_in_the_unit_interval_with_10_classes()
    {
        if (!InstalledData.Available("mnist")) return;

        using var data = DataSpec.Load("mnist");

        Assert.Equal([60000L, 784L], data.X.shape);
        Assert.Equal(0f, data.X.min().item<float>());
        Assert.Equal(1f, data.X.max().item<float>());
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), data.Labels!.Distinct().Order());
        AssertInfo(DataSpec.Describe("mnist"), "mnist", dim: 784, count: 60000);
    }
}
