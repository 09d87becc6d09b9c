using TorchSharp;
using static TorchSharp.torch;

namespace VAEase.Data;

/// <summary>An in-memory data matrix X [n, d] (float32, CPU) with optional integer group labels
/// (manifold index, class), which are used for evaluation only, never for training.</summary>
public sealed class Dataset : IDisposable
{
    public Dataset(Tensor x, long[]? labels, string name)
    {
        if (x.dim() != 2) throw new VAEaseException($"{name}: data must be a 2-D matrix, got shape [{string.Join(", ", x.shape)}]");
        if (labels is not null && labels.Length != x.shape[0])
            throw new VAEaseException($"{name}: {labels.Length} labels for {x.shape[0]} rows");
        X = x;
        Labels = labels;
        Name = name;
    }

    /// <summary>Rows are samples: [n, d], float32.</summary>
    public Tensor X { get; }

    /// <summary>Group label per row (manifold index or class), or null.</summary>
    public long[]? Labels { get; }

    /// <summary>Where the data came from (its data spec).</summary>
    public string Name { get; }

    public long Count => X.shape[0];

    public int Dim => (int)X.shape[1];

    /// <summary>A seeded random split into (train, test) with the given test fraction
    /// (the paper's 90/10 split where data has no split of its own).</summary>
    public (Dataset Train, Dataset Test) Split(double testFraction, long seed)
    {
        if (testFraction <= 0 || testFraction >= 1) throw new VAEaseException($"test fraction must be in (0, 1), got {testFraction}");
        long nTest = Math.Max(1, (long)Math.Round(Count * testFraction));
        if (nTest >= Count) throw new VAEaseException($"{Name}: {Count} rows are too few to split");
        IO.MemoryBudget.Require(4.0 * Count * Dim + 16.0 * Count, $"{Name}: splitting {Count} rows of d = {Dim} into train and test (a copy)");
        using var generator = new Generator((ulong)seed);
        using var perm = randperm(Count, generator: generator);
        using var testIdx = perm.slice(0, 0, nTest, 1);
        using var trainIdx = perm.slice(0, nTest, Count, 1);
        return (Subset(trainIdx, "train"), Subset(testIdx, "test"));
    }

    /// <summary>The rows at the given indices (a copy).</summary>
    public Dataset Subset(Tensor indices, string part)
    {
        long[]? labels = null;
        if (Labels is not null)
        {
            long[] idx = indices.data<long>().ToArray();
            labels = Array.ConvertAll(idx, i => Labels[i]);
        }
        return new Dataset(X.index_select(0, indices), labels, $"{Name}[{part}]");
    }

    public void Dispose() => X.Dispose();
}
