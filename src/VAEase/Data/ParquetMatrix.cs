using System.Runtime.InteropServices;
using Parquet;
using Parquet.Data;
using Parquet.Schema;
using static TorchSharp.torch;

namespace VAEase.Data;

/// <summary>A data matrix stored in a Parquet file as one column of lists, list&lt;float&gt; or list&lt;double&gt; (an
/// embedding per row, as pandas or pyarrow write it; Arrow's fixed_size_list is stored the same way), each row a list of d
/// values. Every row must have d values (a ragged column is an error naming the row), none null, all finite. The column is
/// read a row group at a time into one float32 [n, d] tensor: loaded, not streamed.</summary>
public sealed class ParquetMatrix : IDisposable
{
    private readonly FileStream file;
    private readonly ParquetReader reader;
    private readonly DataField values;     // the lists' leaf: element type float or double, one repetition level

    private ParquetMatrix(string path, string? column)
    {
        Path = path;
        if (Directory.Exists(path)) throw new VAEaseException($"{path} is a directory, not a .parquet file");
        if (!File.Exists(path)) throw new VAEaseException($"file not found: {path}");
        file = File.OpenRead(path);
        try
        {
            reader = Unreadable(() => ParquetReader.CreateAsync(file).GetAwaiter().GetResult());
            (Column, values) = Choose(reader.Schema, column);
            Rows = Enumerable.Range(0, reader.RowGroupCount).Sum(g => Unreadable(() => { using var group = reader.OpenRowGroupReader(g); return group.RowCount; }));
            if (Rows == 0) throw new VAEaseException($"{What}: the file has 0 rows");
            Dim = (int)Unreadable(() => ReadGroup(0, first: 0, expectedDim: null, destination: null));
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Opens the file and checks its schema and first row group: <paramref name="column"/> by name, or the only
    /// column, or the only column of float lists.</summary>
    public static ParquetMatrix Open(string path, string? column) => new(path, column);

    /// <summary>Rows and d, from the file's metadata and its first row group.</summary>
    public static (long Rows, int Dim) Shape(string path, string? column)
    {
        using ParquetMatrix matrix = Open(path, column);
        return (matrix.Rows, matrix.Dim);
    }

    public string Path { get; }

    /// <summary>The column read.</summary>
    public string Column { get; }

    public long Rows { get; }

    /// <summary>Values per row (the first row's; every row must have as many).</summary>
    public int Dim { get; }

    private string What => $"{Path}: column '{Column}'";

    /// <summary>Reads every row group into <paramref name="destination"/> [rows, d] (float32, CPU, contiguous).</summary>
    public void ReadInto(Tensor destination)
    {
        long row = 0;
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            long first = row;
            row += Unreadable(() => ReadGroup(g, first, Dim, destination));
        }
    }

    /// <summary>Checks row group <paramref name="g"/>, whose first row is row <paramref name="first"/> of the file, and copies its
    /// rows into <paramref name="destination"/> (if given). Returns its row count, or without <paramref name="expectedDim"/> the
    /// length of its first row.</summary>
    private long ReadGroup(int g, long first, int? expectedDim, Tensor? destination)
    {
        using ParquetRowGroupReader group = reader.OpenRowGroupReader(g);
        using RawColumnData raw = group.ReadRawColumnDataBaseAsync(values).AsTask().GetAwaiter().GetResult();
        int dim = RowLengths(raw.RepetitionLevels, raw.DefinitionLevels, first, expectedDim, out long rows);
        if (expectedDim is null) return dim;
        if (rows != group.RowCount) throw new VAEaseException($"{What}: row group {g} declares {group.RowCount} rows but holds {rows}");
        if (destination is null || rows == 0) return rows;
        using Tensor slot = destination.narrow(0, first, rows);
        Span<float> target = MemoryMarshal.Cast<byte, float>(slot.bytes);
        string element = raw is RawColumnData<float> ? "F32" : "F64";
        int count = checked((int)(rows * dim)); // every level holds a value (checked above), packed at the front of Values
        ReadOnlySpan<byte> bytes = raw is RawColumnData<float> floats ? MemoryMarshal.AsBytes(floats.Values[..count]) : MemoryMarshal.AsBytes(((RawColumnData<double>)raw).Values[..count]);
        MatrixSources.Decode(bytes, element, target);
        MatrixSources.RequireFinite(slot, What, bytes, element, i => (first + i / dim, i % dim));
        return rows;
    }

    /// <summary>Walks the levels of a row group (repetition level 0 starts a row; a value is present where the definition level
    /// is the maximum) and checks that every row has <paramref name="expectedDim"/> values, or as many as the first row when
    /// it is null. Returns d and the row count.</summary>
    private int RowLengths(Span<int> repetition, Span<int> definition, long first, int? expectedDim, out long rows)
    {
        int maxDefinition = values.MaxDefinitionLevel, dim = expectedDim ?? -1, length = 0;
        rows = 0;
        for (int i = 0; i <= repetition.Length; i++)
        {
            if (i == repetition.Length || repetition[i] == 0)
            {
                if (i > 0)
                {
                    if (dim < 0) dim = length;
                    if (length != dim) throw new VAEaseException($"{What}: row {first + rows - 1} has {length} values, but row 0 has {dim}; every row needs the same number (a ragged column is not a matrix)");
                    if (expectedDim is null) return dim;
                }
                if (i == repetition.Length) break;
                rows++;
                length = 0;
            }
            if (definition[i] < maxDefinition)
                throw new VAEaseException($"{What}: row {first + rows - 1} has no value at position {length} (a null or empty list, or a null element); every row needs {(dim > 0 ? dim.ToString() : "d")} values");
            length++;
        }
        if (dim <= 0) throw new VAEaseException($"{What}: the rows are empty lists");
        return dim;
    }

    /// <summary>The column to read and its leaf: a list (or legacy repeated field) of float or double values.</summary>
    private (string Column, DataField Values) Choose(ParquetSchema schema, string? column)
    {
        var fields = schema.Fields;
        string listed = string.Join(", ", fields.Select(f => $"{f.Name} ({Kind(f)})"));
        Field chosen = column is not null
            ? fields.FirstOrDefault(f => f.Name == column) ?? throw new VAEaseException($"{Path}: no column '{column}' (the file has: {listed})")
            : fields.Count == 1 ? fields[0]
            : fields.Where(f => Leaf(f) is { } leaf && IsFloat(leaf)).ToList() is [var only] ? only
            : throw new VAEaseException($"{Path}: {fields.Count} columns ({listed}); choose the one of float lists with column=NAME");
        string what = $"{Path}: column '{chosen.Name}'";
        DataField values = Leaf(chosen)
            ?? throw new VAEaseException($"{what} is {Kind(chosen)}, not a list of float or double values (one list of d values per row)");
        if (!IsFloat(values)) throw new VAEaseException($"{what} holds lists of {TypeName(values)} values; expected float or double");
        return (chosen.Name, values);
    }

    /// <summary>The leaf of a list of primitive values, or null for any other column.</summary>
    private static DataField? Leaf(Field field) => field switch
    {
        ListField { Item: DataField item } when item.MaxRepetitionLevel == 1 => item,
        DataField repeated when repeated.MaxRepetitionLevel == 1 => repeated,
        _ => null,
    };

    private static bool IsFloat(DataField field) => field.ClrType == typeof(float) || field.ClrType == typeof(double);

    private static string Kind(Field field) => field switch
    {
        ListField list => Leaf(list) is { } leaf ? $"list<{TypeName(leaf)}>" : "a nested list",
        DataField data => data.MaxRepetitionLevel == 1 ? $"list<{TypeName(data)}>" : TypeName(data),
        _ => field.SchemaType.ToString().ToLowerInvariant(),
    };

    private static string TypeName(DataField field) =>
        field.ClrType == typeof(float) ? "float" : field.ClrType == typeof(double) ? "double" : field.ClrType.Name.ToLowerInvariant();

    /// <summary>Runs a Parquet.Net call, turning its exceptions about a damaged or foreign file into one-line errors.</summary>
    private T Unreadable<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is not VAEaseException and not OutOfMemoryException)
        {
            throw new VAEaseException($"{Path}: not a readable Parquet file ({IO.Printable.Escape(e.Message)})");
        }
    }

    public void Dispose()
    {
        reader?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        file?.Dispose();
    }
}
