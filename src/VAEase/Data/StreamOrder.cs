using static TorchSharp.torch;

namespace VAEase.Data;

/// <summary>The orders of a streamed data set, as pure functions of (rows, block rows, seed, epoch): the held-out
/// split (a seeded random set of blocks), each epoch's block order, and each shuffle window's row order. A resumed
/// run recomputes them instead of saving the shuffle buffer.</summary>
public static class StreamOrder
{
    /// <summary>Blocks of <paramref name="blockRows"/> rows covering <paramref name="rows"/> rows (the last may be short).</summary>
    public static long BlockCount(long rows, int blockRows) => (rows + blockRows - 1) / blockRows;

    /// <summary>First row and row count of block <paramref name="block"/>.</summary>
    public static (long First, long Count) Block(long block, long rows, int blockRows) =>
        (block * blockRows, Math.Min(blockRows, rows - block * blockRows));

    /// <summary>(training blocks, held-out blocks), each ascending: round(fraction * blocks) blocks, at least one,
    /// drawn by randperm(blocks) seeded with <paramref name="seed"/>.</summary>
    public static (long[] Train, long[] Test) Split(long rows, int blockRows, double testFraction, long seed, string name)
    {
        if (testFraction <= 0 || testFraction >= 1) throw new VAEaseException($"test fraction must be in (0, 1), got {testFraction}");
        long blocks = BlockCount(rows, blockRows);
        long nTest = Math.Max(1, (long)Math.Round(blocks * testFraction));
        if (nTest >= blocks)
            throw new VAEaseException($"{name}: {rows} rows make {blocks} block(s) of {blockRows}, too few to hold out {testFraction:P0} (lower --stream-block)");
        long[] perm = Permutation(blocks, (ulong)seed);
        long[] test = perm[..(int)nTest], train = perm[(int)nTest..];
        Array.Sort(test);
        Array.Sort(train);
        return (train, test);
    }

    /// <summary>The held-out rows evaluated: the given blocks in order, whole, until <paramref name="maxRows"/> rows (the last one cut).</summary>
    public static List<(long First, long Count)> EvalRanges(IEnumerable<long> testBlocks, long rows, int blockRows, long maxRows)
    {
        var ranges = new List<(long First, long Count)>();
        long total = 0;
        foreach (long block in testBlocks)
        {
            if (total >= maxRows) break;
            var (first, count) = Block(block, rows, blockRows);
            count = Math.Min(count, maxRows - total);
            ranges.Add((first, count));
            total += count;
        }
        return ranges;
    }

    /// <summary>The epoch's block order: <paramref name="blocks"/> permuted by a generator seeded with (seed, epoch).</summary>
    public static long[] EpochBlocks(IReadOnlyList<long> blocks, long seed, int epoch)
    {
        long[] perm = Permutation(blocks.Count, (ulong)(seed * 1_000_003 + epoch));
        return Array.ConvertAll(perm, i => blocks[(int)i]);
    }

    /// <summary>The row order inside shuffle window <paramref name="window"/> of the epoch: randperm(rows) [rows], int64.</summary>
    public static Tensor WindowOrder(long seed, int epoch, int window, long rows)
    {
        using var generator = new Generator(Mix((ulong)(seed * 1_000_003 + epoch), (ulong)window));
        return randperm(rows, generator: generator);
    }

    private static long[] Permutation(long count, ulong seed)
    {
        using var generator = new Generator(seed);
        using Tensor perm = randperm(count, generator: generator);
        return perm.data<long>().ToArray();
    }

    /// <summary>SplitMix64's finaliser of a combined pair, so that windows of nearby epochs get unrelated generators.</summary>
    private static ulong Mix(ulong a, ulong b)
    {
        ulong z = unchecked(a * 0x9E3779B97F4A7C15UL + b + 1);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return z ^ (z >> 31);
    }
}
