using static VAEase.Tests.TensorAssert;
using VAEase.Data;
using VAEase.IO;
using static TorchSharp.torch;

namespace VAEase.Tests.Data;

/// <summary>The streamed training rows: every row once per epoch in a seeded order, the rows of the file, a shuffle
/// window of bounded size, exact continuation from any batch, and one-line errors naming the file and row.</summary>
public sealed class StreamedRowsTests : IDisposable
{
    private const int Rows = 1000, Dim = 6, Block = 16, Buffer = 64, BatchSize = 50;
    private static readonly StreamConfig Config = new() { BlockRows = Block, ShuffleBuffer = Buffer };
    private readonly Plotting.TempFolder dir = new();
    private readonly string path;
    private readonly Tensor x;
    private readonly MappedMatrix mapped;
    private readonly long[] trainBlocks;
    private readonly StreamedRows rows;

    /// <summary>A linear union [Rows, Dim] whose column 0 is the row index, so a streamed row tells where it came from,
    /// streamed with 16-row blocks through a 64-row buffer.</summary>
    public StreamedRowsTests()
    {
        using Dataset union = SyntheticUnion.LinearUnion(Dim, [2, 2], Rows, seed: 3);
        x = union.X.clone();
        x.select(1, 0).copy_(arange(Rows, dtype: ScalarType.Float32));
        path = dir.File("x.npy");
        NpyReader.Write(path, x);
        mapped = DataSpec.OpenMapped($"npy:{path}");
        (trainBlocks, _) = StreamOrder.Split(Rows, Block, 0.1, seed: 1, "x");
        rows = new StreamedRows(mapped, trainBlocks, Config, null);
    }

    public void Dispose()
    {
        rows.Dispose();
        mapped.Dispose();
        x.Dispose();
        dir.Dispose();
    }

    private Tensor Epoch(int epoch, int startBatch = 0, long seed = 1) =>
        cat(rows.Epoch(seed, epoch, BatchSize, startBatch).ToList(), 0);

    private static long[] Ids(Tensor rows) => Array.ConvertAll(rows.select(1, 0).data<float>().ToArray(), v => (long)v);

    [Fact]
    public void Given_a_file_when_an_epoch_is_streamed_then_every_training_row_comes_once_with_the_file_values()
    {
        var (_, testBlocks) = StreamOrder.Split(Rows, Block, 0.1, seed: 1, "x");
        Assert.Equal(6, testBlocks.Length); // round(63 blocks * 0.1)
        long[] expected = trainBlocks.SelectMany(b => Enumerable.Range(0, (int)StreamOrder.Block(b, Rows, Block).Count).Select(i => b * Block + i)).ToArray();
        Assert.Equal(expected.Length, rows.Count);

        using Tensor epoch = Epoch(0);
        long[] ids = Ids(epoch);
        Assert.Equal(expected, ids.Order());
        using Tensor original = x.index_select(0, tensor(ids));
        Assert.True(Same(original, epoch), "streamed rows differ from the file's rows");
    }

    [Fact]
    public void The_order_is_a_function_of_seed_and_epoch_and_differs_between_epochs()
    {
        using Tensor first = Epoch(0), again = Epoch(0), second = Epoch(1), otherSeed = Epoch(0, seed: 2);
        Assert.Equal(Ids(first), Ids(again));
        Assert.NotEqual(Ids(first), Ids(second));
        Assert.NotEqual(Ids(first), Ids(otherSeed));
        Assert.Equal(Ids(first).Order(), Ids(second).Order());
    }

    [Fact]
    public void Each_shuffle_window_holds_at_most_buffer_rows_from_at_most_buffer_over_block_blocks()
    {
        Assert.Equal(Buffer, rows.BufferRows);
        using Tensor epoch = Epoch(0);
        long[] ids = Ids(epoch);
        // Blocks are full except the file's last one, so windows are the consecutive Buffer-row stretches (one may be short).
        long offset = 0;
        foreach (long[] window in StreamOrder.EpochBlocks(trainBlocks, 1, 0).Chunk(Buffer / Block).Select(w => w.ToArray()))
        {
            long size = window.Sum(b => StreamOrder.Block(b, Rows, Block).Count);
            var blocksSeen = ids.Skip((int)offset).Take((int)size).Select(id => id / Block).ToHashSet();
            Assert.True(blocksSeen.SetEquals(window), $"window at {offset} served blocks {string.Join(",", blocksSeen)}, expected {string.Join(",", window)}");
            offset += size;
        }
        // Rows are shuffled inside a window, not served block by block.
        Assert.NotEqual(1, ids.Take(Block).Select(id => id / Block).Distinct().Count());
    }

    [Theory]
    [InlineData(1)]  // inside the first window
    [InlineData(3)]  // a batch that spans two windows
    [InlineData(16)] // the last batch
    public void Starting_at_batch_k_serves_exactly_batches_k_onwards_of_the_whole_epoch(int startBatch)
    {
        List<Tensor> whole = rows.Epoch(1, 2, BatchSize, 0).ToList(), rest = rows.Epoch(1, 2, BatchSize, startBatch).ToList();
        Assert.Equal(Batching.PerEpoch(rows.Count, BatchSize), whole.Count);
        Assert.Equal(whole.Count - startBatch, rest.Count);
        for (int i = 0; i < rest.Count; i++) Assert.True(Same(whole[startBatch + i], rest[i]), $"batch {startBatch + i} differs");
        whole.ForEach(t => t.Dispose());
        rest.ForEach(t => t.Dispose());
    }

    [Fact]
    public void Float16_and_bfloat16_files_stream_the_values_the_in_memory_loader_reads()
    {
        Half[] halves = Enumerable.Range(0, 40 * 3).Select(i => (Half)(i * 0.25f - 7)).ToArray();
        ushort[] brains = Enumerable.Range(0, 40 * 3).Select(i => (ushort)(BitConverter.SingleToInt32Bits(i * 0.5f - 3) >> 16)).ToArray();
        Directory.CreateDirectory(dir.File("shards"));
        foreach (var (file, dtype, bytes) in new[] { ("h.safetensors", "F16", NpyReaderTests.Bytes(halves)), (Path.Combine("shards", "a.safetensors"), "BF16", NpyReaderTests.Bytes(brains)), (Path.Combine("shards", "b.safetensors"), "BF16", NpyReaderTests.Bytes(brains)) })
            SafeTensors.Write(dir.File(file), [new SafeTensors.Layout("acts", dtype, [40, 3])], null, s => s.Write(bytes));
        foreach (string spec in new[] { $"safetensors:{dir.File("h.safetensors")}", $"shards:{dir.File("shards")}" })
        {
            using Dataset loaded = DataSpec.Load(spec);
            using var file = DataSpec.OpenMapped(spec);
            using Dataset streamed = file.Load([(0, 25), (25, file.Rows - 25)]); // the shards' second range crosses the file boundary
            Assert.True(Same(loaded.X, streamed.X), spec);
        }
    }

    [Fact]
    public void A_non_finite_value_is_a_one_line_error_naming_the_file_and_its_row()
    {
        string bad = dir.File("bad.npy"), shards = dir.File("shards");
        x[700, 3] = tensor(float.NaN);
        NpyReader.Write(bad, x);
        Directory.CreateDirectory(shards);
        NpyReader.Write(Path.Combine(shards, "0.npy"), x.narrow(0, 0, 500));
        NpyReader.Write(Path.Combine(shards, "1.npy"), x.narrow(0, 500, 500));
        foreach (var (spec, file, row) in new[] { ($"npy:{bad}", bad, 700), ($"shards:{shards}", Path.Combine(shards, "1.npy"), 200) })
        {
            using var streamed = DataSpec.OpenMapped(spec);
            var error = Assert.Throws<VAEaseException>(() =>
                StreamedRows.ForEachBlock(streamed, Enumerable.Range(0, 63).Select(b => (long)b), Block, _ => { }));
            Assert.Equal($"{file}: row {row} has a non-finite value at column 3 (NaN); data must be finite", error.Message);
        }
    }

    [Fact]
    public void Streaming_generated_data_or_too_few_blocks_is_a_one_line_error()
    {
        var generated = Assert.Throws<VAEaseException>(() => DataSpec.OpenMapped("linear:d=4,dims=2,n=100"));
        Assert.Contains("streaming reads npy:, safetensors: or shards: files", generated.Message);
        var few = Assert.Throws<VAEaseException>(() => StreamOrder.Split(1000, 1000, 0.1, 1, "x.npy"));
        Assert.Equal("x.npy: 1000 rows make 1 block(s) of 1000, too few to hold out 10 % (lower --stream-block)", few.Message);
        Assert.Throws<ArgumentException>(() => new StreamConfig { BlockRows = 64, ShuffleBuffer = 32 }.Validate());
    }
}
