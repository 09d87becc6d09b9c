using System.Runtime.InteropServices;

namespace VAEase.Text;

/// <summary>Rows of float32 [*, dim] written as numbered .npy shards (PREFIX-00000.npy, ...) plus one rows.jsonl line per
/// row, the layout harvest.mjs writes for llm-act (<see cref="Data.TextSets"/>). Every shard is written whole through a
/// temp file and a rename, so none is ever half-written.</summary>
public sealed class ShardWriter : IDisposable
{
    private readonly string _dir, _prefix;
    private readonly int _dim, _shardRows;
    private float[] _buffer;
    private readonly StreamWriter _meta;
    private int _filled, _shards;

    public ShardWriter(string dir, string prefix, int dim, int shardRows)
    {
        Directory.CreateDirectory(dir);
        (_dir, _prefix, _dim, _shardRows) = (dir, prefix, dim, shardRows);
        _buffer = new float[(long)Math.Min(shardRows, 1024) * dim]; // grown as rows come: a small split stays small
        _meta = new StreamWriter(Path.Combine(dir, Data.TextSets.RowsFile));
    }

    /// <summary>Rows written so far.</summary>
    public long Rows { get; private set; }

    /// <summary>Adds one row and its rows.jsonl line; a non-finite value is an error naming the row.</summary>
    public void Add(ReadOnlySpan<float> row, string metaJson)
    {
        if (row.Length != _dim) throw new ArgumentException($"row of {row.Length} values, expected {_dim}", nameof(row));
        foreach (float v in row)
            if (!float.IsFinite(v)) throw new VAEaseException($"non-finite value in {_prefix} row {Rows} ({metaJson})");
        if ((_filled + 1) * _dim > _buffer.Length) Array.Resize(ref _buffer, Math.Min(_shardRows, 2 * (_filled + 1)) * _dim);
        row.CopyTo(_buffer.AsSpan(_filled * _dim, _dim));
        _meta.WriteLine(metaJson);
        _filled++;
        Rows++;
        if (_filled == _shardRows) Flush();
    }

    /// <summary>Writes the last, partial shard and closes rows.jsonl.</summary>
    public void Close()
    {
        Flush();
        _meta.Close();
    }

    public void Dispose() => _meta.Dispose();

    private void Flush()
    {
        if (_filled == 0) return;
        string file = Path.Combine(_dir, $"{_prefix}-{_shards:D5}.npy");
        int count = _filled * _dim;
        Data.NpyReader.WriteMatrix(file, _filled, _dim, stream => stream.Write(MemoryMarshal.AsBytes(_buffer.AsSpan(0, count))));
        _shards++;
        _filled = 0;
    }
}
