using Parquet;
using Parquet.Schema;
using VAEase.Data;
using VAEase.Tests.Plotting;

namespace VAEase.Tests.Data;

/// <summary>parquet:PATH[,column=NAME]: a column of float or double lists, one list of d values per row, read row group by
/// row group; files written here with Parquet.Net as pandas or pyarrow would lay them out (an optional list of optional
/// elements), and refused with one line naming the file, the column and, for a bad row, its index.</summary>
public sealed class ParquetMatrixTests : IDisposable
{
    private readonly TempFolder folder = new("vaease-parquet");

    public void Dispose() => folder.Dispose();

    /// <summary>A list column: its rows (null: a null list; a null entry: a null element), its element type.</summary>
    internal sealed record ListColumn(string Name, Type Element, double?[]?[] Rows);

    /// <summary>A plain column of int32 or float values, one per row.</summary>
    internal sealed record PlainColumn(string Name, Array Values);

    /// <summary>Writes the columns in row groups of <paramref name="groupRows"/> rows, lists as optional lists of optional elements
    /// (definition level 0: null list, 1: empty, 2: null element, 3: a value; repetition level 0 starts a row).</summary>
    internal static string Write(string path, int groupRows, params object[] columns)
    {
        Field[] fields = [.. columns.Select<object, Field>(c => c switch
        {
            ListColumn list => new ListField(list.Name, new DataField("element", list.Element == typeof(float) ? typeof(float?) : list.Element == typeof(double) ? typeof(double?) : typeof(int?))),
            PlainColumn plain => new DataField(plain.Name, plain.Values.GetType().GetElementType()!),
            _ => throw new ArgumentException("not a column", nameof(columns)),
        })];
        var schema = new ParquetSchema(fields);
        int rows = columns[0] is ListColumn first ? first.Rows.Length : ((PlainColumn)columns[0]).Values.Length;
        using FileStream file = File.Create(path);
        ParquetWriter writer = ParquetWriter.CreateAsync(schema, file).GetAwaiter().GetResult();
        try
        {
            for (int start = 0; start < rows; start += groupRows)
            {
                int count = Math.Min(groupRows, rows - start);
                using ParquetRowGroupWriter group = writer.CreateRowGroup();
                DataField[] leaves = schema.GetDataFields();
                for (int c = 0; c < columns.Length; c++)
                    (columns[c] switch
                    {
                        ListColumn { Element: var t } list when t == typeof(float) => WriteList(group, leaves[c], list.Rows[start..(start + count)], v => (float)v),
                        ListColumn { Element: var t } list when t == typeof(double) => WriteList(group, leaves[c], list.Rows[start..(start + count)], v => v),
                        ListColumn list => WriteList(group, leaves[c], list.Rows[start..(start + count)], v => (int)v),
                        PlainColumn { Values: int[] ints } => group.WriteAsync<int>(leaves[c], ints.AsMemory(start, count)),
                        PlainColumn { Values: float[] floats } => group.WriteAsync<float>(leaves[c], floats.AsMemory(start, count)),
                        _ => throw new ArgumentException("unsupported column", nameof(columns)),
                    }).GetAwaiter().GetResult();
            }
        }
        finally
        {
            writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        return path;
    }

    private static Task WriteList<T>(ParquetRowGroupWriter group, DataField field, double?[]?[] rows, Func<double, T> convert) where T : struct
    {
        var values = new List<T>();
        var definition = new List<int>();
        var repetition = new List<int>();
        foreach (double?[]? row in rows)
        {
            if (row is null || row.Length == 0)
            {
                definition.Add(row is null ? 0 : 1);
                repetition.Add(0);
                continue;
            }
            for (int i = 0; i < row.Length; i++)
            {
                repetition.Add(i == 0 ? 0 : 1);
                definition.Add(row[i] is null ? 2 : 3);
                if (row[i] is { } v) values.Add(convert(v));
            }
        }
        return group.WriteAllPartsAsync<T>(field, values.ToArray(), definition.ToArray(), repetition.ToArray(), default);
    }

    private string Path(string name) => System.IO.Path.Combine(folder.Path, name);

    private static double?[][] Matrix(int rows, int cols) =>
        [.. Enumerable.Range(0, rows).Select(i => Enumerable.Range(0, cols).Select(j => (double?)(10 * i + j + 0.5)).ToArray())];

    [Theory]
    [InlineData(typeof(float))]
    [InlineData(typeof(double))]
    public void A_column_of_float_or_double_lists_reads_row_by_row_across_row_groups(Type element)
    {
        string path = Write(Path("x.parquet"), groupRows: 3, new PlainColumn("id", Enumerable.Range(0, 7).ToArray()), new ListColumn("emb", element, Matrix(7, 4)));

        using Dataset data = DataSpec.Load($"parquet:{path}");   // the only column of float lists
        using Dataset named = DataSpec.Load($"parquet:{path},column=emb");

        Assert.Equal([7L, 4L], data.X.shape);
        Assert.Equal(Matrix(7, 4).SelectMany(r => r).Select(v => (float)v!.Value), data.X.data<float>().ToArray());
        Assert.True(data.X.eq(named.X).all().item<bool>());
        Assert.Equal($"parquet:{path},column=emb", named.Name);
        var info = DataSpec.Describe($"parquet:{path}");
        Assert.Equal(("parquet", 4, 7L), (info.Family, info.Dim, info.Count));
    }

    public static TheoryData<string, string, string> Hostile => new()
    {
        { "ragged", "", "column 'emb': row 4 has 3 values, but row 0 has 4; every row needs the same number (a ragged column is not a matrix)" },
        { "empty list", "", "column 'emb': row 5 has no value at position 0 (a null or empty list, or a null element)" },
        { "null list", "", "column 'emb': row 2 has no value at position 0" },
        { "null element", "", "column 'emb': row 6 has no value at position 1" },
        { "nan", "", "column 'emb': row 3 has a non-finite value at column 2 (NaN); data must be finite" },
        { "overflow", "", "column 'emb': row 1 has a non-finite value at column 0 (1E+300 overflows float32)" },
        { "wrong column", ",column=embedding", "no column 'embedding' (the file has: id (int32), emb (list<double>))" },
        { "int column", ",column=id", "column 'id' is int32, not a list of float or double values" },
        { "int lists", ",column=ints", "column 'ints' holds lists of int32 values; expected float or double" },
        { "two float lists", "", "3 columns (id (int32), emb (list<double>), other (list<float>)); choose the one of float lists with column=NAME" },
        { "not parquet", "", "not a readable Parquet file" },
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public void A_hostile_file_gives_a_one_line_error_naming_it(string name, string keys, string problem)
    {
        string path = Path(name.Replace(' ', '-').Replace(',', '-') + ".parquet");
        double?[]?[] rows = Matrix(8, 4);
        var ids = new PlainColumn("id", Enumerable.Range(0, 8).ToArray());
        switch (name)
        {
            case "ragged": rows[4] = [1, 2, 3]; break;
            case "empty list": rows[5] = []; break;
            case "null list": rows[2] = null; break;
            case "null element": rows[6]![1] = null; break;
            case "nan": rows[3]![2] = double.NaN; break;
            case "overflow": rows[1]![0] = 1e300; break;
        }
        if (name == "not parquet") File.WriteAllText(path, "PAR1 but not really");
        else if (name == "int lists") Write(path, 3, ids, new ListColumn("emb", typeof(double), rows), new ListColumn("ints", typeof(int), rows));
        else if (name == "two float lists") Write(path, 3, ids, new ListColumn("emb", typeof(double), rows), new ListColumn("other", typeof(float), rows));
        else Write(path, 3, ids, new ListColumn("emb", typeof(double), rows));

        var e = Assert.Throws<VAEaseException>(() => { using Dataset data = DataSpec.Load($"parquet:{path}{keys}"); });

        Assert.StartsWith(path + ": ", e.Message);
        Assert.Contains(problem, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }
}
