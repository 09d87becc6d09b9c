using static TorchSharp.torch;

namespace VAEase.Data;

/// <summary>A data matrix [n, d] left on disk: the file(s) of an npy:, safetensors: or shards: spec, read a row range
/// at a time (of a Fortran-order .npy, one read per column; see <see cref="MatrixSources.ReadPart"/>). Files are read with positional reads, not mapped: a mapped page of a file another process truncates
/// kills the process (SIGBUS, "Fatal error. System.AccessViolationException"), where a read simply comes back short;
/// and nothing accumulates in the resident set (the kernel's page cache keeps the pages). Before each read the open
/// file must still have the size and modification time it had when it was opened, so that a file truncated, extended
/// or rewritten in place while a run streams it is an error naming it, not rows of two versions mixed.</summary>
public sealed class MappedMatrix : IDisposable
{
    private readonly MatrixSources.Part[] parts;
    private readonly long[] firstRows;
    private readonly FileStream?[] files;
    private readonly (long Length, DateTime Written)[] opened;

    internal MappedMatrix(IReadOnlyList<MatrixSources.Part> parts, string name, string? labels)
    {
        this.parts = [.. parts];
        firstRows = new long[parts.Count];
        for (int i = 1; i < parts.Count; i++) firstRows[i] = firstRows[i - 1] + parts[i - 1].Rows;
        Rows = firstRows[^1] + parts[^1].Rows;
        Dim = parts[0].Dim;
        Name = name;
        LabelsPath = labels;
        files = new FileStream?[parts.Count];
        opened = new (long, DateTime)[parts.Count];
        try
        {
            for (int i = 0; i < files.Length; i++)
            {
                // Unbuffered: each read is one pread(2) at the stream's position. FileShare.ReadWrite: another process may
                // hold the file open for writing (which is what the checks below are for).
                FileStream file = files[i] = new FileStream(parts[i].File, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
                opened[i] = (file.Length, File.GetLastWriteTimeUtc(file.SafeFileHandle));
                long rowBytes = (long)Dim * IO.SafeTensors.Width(parts[i].ElementType);
                if (opened[i].Length < parts[i].Offset + parts[i].Rows * rowBytes)
                    throw new VAEaseException($"{parts[i].File}: truncated: {parts[i].Rows} rows need {parts[i].Offset + parts[i].Rows * rowBytes} bytes, the file has {opened[i].Length}");
            }
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
            FileStream file = files[p]!;
            CheckUnchanged(p, file);
            MatrixSources.ReadPart(file, part, destination, at, local, take);
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

    /// <summary>Throws if the open file of part <paramref name="p"/> no longer has the size and modification time it was opened with.</summary>
    private void CheckUnchanged(int p, FileStream file)
    {
        var (length, written) = (file.Length, File.GetLastWriteTimeUtc(file.SafeFileHandle));
        if (length == opened[p].Length && written == opened[p].Written) return;
        string how = length < opened[p].Length ? $"truncated from {opened[p].Length} to {length} bytes"
            : length > opened[p].Length ? $"grown from {opened[p].Length} to {length} bytes"
            : $"rewritten (modified at {written:yyyy-MM-dd HH:mm:ss.fff} UTC)";
        throw new VAEaseException($"{parts[p].File}: changed while it was being read ({how})");
    }

    public void Dispose()
    {
        foreach (FileStream? file in files) file?.Dispose();
    }
}
