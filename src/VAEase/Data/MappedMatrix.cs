using System.IO.MemoryMappedFiles;
using static TorchSharp.torch;

namespace VAEase.Data;

/// <summary>A data matrix [n, d] left on disk: the file(s) of an npy:, safetensors: or shards: spec,
/// memory-mapped, read a row range at a time. Each read maps only the bytes of its rows and unmaps them
/// when done, so the file's pages never accumulate in the process (a mapping kept open would count every
/// page ever touched in the resident set, up to the file size); the kernel's page cache keeps them instead.</summary>
public sealed class MappedMatrix : IDisposable
{
    private readonly MatrixSources.Part[] parts;
    private readonly long[] firstRows;
    private readonly MemoryMappedFile[] maps;

    internal MappedMatrix(IReadOnlyList<MatrixSources.Part> parts, string name, string? labels)
    {
        this.parts = [.. parts];
        firstRows = new long[parts.Count];
        for (int i = 1; i < parts.Count; i++) firstRows[i] = firstRows[i - 1] + parts[i - 1].Rows;
        Rows = firstRows[^1] + parts[^1].Rows;
        Dim = parts[0].Dim;
        Name = name;
        LabelsPath = labels;
        maps = new MemoryMappedFile[parts.Count];
        try
        {
            for (int i = 0; i < maps.Length; i++)
                maps[i] = MemoryMappedFile.CreateFromFile(parts[i].File, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Rows n, over all files.</summary>
    public long Rows { get; }

    /// <summary>Row length d.</summary>
    public int Dim { get; }

    /// <summary>The canonical data spec.</summary>
    public string Name { get; }

    /// <summary>The labels file of the spec, or null.</summary>
    public string? LabelsPath { get; }

    /// <summary>Decodes rows [<paramref name="first"/>, first + count) as float32 into rows [at, at + count) of
    /// <paramref name="destination"/> [N, d]; a non-finite value is an error naming the file and its row.</summary>
    public void Read(long first, long count, Tensor destination, long at)
    {
        if (first < 0 || count < 0 || first + count > Rows) throw new ArgumentOutOfRangeException(nameof(first), $"rows [{first}, {first + count}) of {Rows}");
        while (count > 0)
        {
            int p = Array.BinarySearch(firstRows, first);
            if (p < 0) p = ~p - 1;
            MatrixSources.Part part = parts[p];
            long local = first - firstRows[p], take = Math.Min(count, part.Rows - local);
            long rowBytes = (long)Dim * IO.SafeTensors.Width(part.ElementType);
            using (var view = maps[p].CreateViewStream(part.Offset + local * rowBytes, take * rowBytes, MemoryMappedFileAccess.Read))
                MatrixSources.ReadRows(view, part.ElementType, destination, at, take, part.File, local);
            first += take;
            at += take;
            count -= take;
        }
    }

    /// <summary>The rows of <paramref name="ranges"/>, in order, as an in-memory data set, with their labels where the spec has them.</summary>
    public Dataset Load(IReadOnlyList<(long First, long Count)> ranges)
    {
        long[]? labels = null;
        if (LabelsPath is not null)
        {
            long[] all = NpyReader.ReadLabels(LabelsPath);
            if (all.LongLength != Rows) throw new VAEaseException($"{LabelsPath}: {all.LongLength} labels for the {Rows} rows of {Name}");
            labels = [.. ranges.SelectMany(r => all.Skip(checked((int)r.First)).Take(checked((int)r.Count)))];
        }
        Tensor x = empty(ranges.Sum(r => r.Count), Dim, dtype: ScalarType.Float32);
        try
        {
            long at = 0;
            foreach (var (first, count) in ranges)
            {
                Read(first, count, x, at);
                at += count;
            }
            return new Dataset(x, labels, Name);
        }
        catch
        {
            x.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        foreach (MemoryMappedFile? map in maps) map?.Dispose();
    }
}
