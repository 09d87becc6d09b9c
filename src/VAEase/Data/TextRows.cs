using System.Text.Json;

namespace VAEase.Data;

/// <summary>What one data row of a text set stands for, for reports: the item (a token, a sentence or a
/// word) and, for a token, its sentence as pieces with the token's index.</summary>
/// <param name="Item">The token piece, the sentence text or the word.</param>
/// <param name="Context">The sentence's pieces (SentencePiece or WordPiece; tokens only), else null.</param>
/// <param name="Token">Index of the row's token in <paramref name="Context"/>, or -1.</param>
public sealed record TextRow(string Item, IReadOnlyList<string>? Context, int Token);

/// <summary>Reads and checks the row metadata of the installed text sets (<see cref="TextSets"/>): rows.jsonl of
/// each split folder against its shards and against sentences.jsonl, words.txt against the GloVe matrix.
/// Any mismatch is a one-line <see cref="VAEaseException"/> that names the file.</summary>
public static class TextRows
{
    /// <summary>One line of sentences.jsonl.</summary>
    public sealed record Sentence(int Id, string Split, string Source, string Text, string[] Pieces);

    /// <summary>One line of rows.jsonl: the sentence, and the token for per-token rows (-1 for sentence rows).</summary>
    public sealed record Row(int Sentence, int Token = -1);

    /// <summary>The rows of the installed set's split, in data order.</summary>
    public static IReadOnlyList<TextRow> Load(string name, string split) => Load(name, TextSets.Require(name), split);

    /// <summary>As <see cref="Load(string, string)"/>, from a given install folder.</summary>
    public static IReadOnlyList<TextRow> Load(string name, string folder, string split)
    {
        if (name == "glove")
        {
            string words = Path.Combine(folder, TextSets.WordsFile);
            string[] lines = File.ReadAllLines(words);
            long rows = MatrixSources.NpyShape(Path.Combine(folder, TextSets.VectorsFile)).Rows;
            if (lines.Length != rows) throw new VAEaseException($"{words}: {lines.Length} words for the {rows} rows of {TextSets.VectorsFile}");
            return [.. lines.Select(w => new TextRow(w, null, -1))];
        }
        var sentences = ReadSentences(Path.Combine(folder, TextSets.SentencesFile));
        var result = new List<TextRow>();
        foreach (string dir in TextSets.SplitFolders(name, folder, split))
        {
            string splitName = Path.GetFileName(dir);
            string rowsFile = Path.Combine(dir, TextSets.RowsFile);
            var rows = ReadRows(rowsFile);
            long shardRows = MatrixSources.ShardRows(dir).Sum(s => s.Rows);
            if (rows.Count != shardRows) throw new VAEaseException($"{rowsFile}: {rows.Count} lines for the {shardRows} rows of the shards in {dir}");
            for (int i = 0; i < rows.Count; i++)
            {
                Row row = rows[i];
                if (!sentences.TryGetValue(row.Sentence, out Sentence? s))
                    throw new VAEaseException($"{rowsFile}: line {i + 1} names sentence {row.Sentence}, which {TextSets.SentencesFile} lacks");
                if (s.Split != splitName)
                    throw new VAEaseException($"{rowsFile}: line {i + 1} names sentence {row.Sentence} of the {s.Split} split in the {splitName} folder");
                bool perToken = TextSets.TokenSets.Contains(name);
                if (perToken != row.Token >= 0)
                    throw new VAEaseException($"{rowsFile}: line {i + 1} {(perToken ? "lacks a token index" : "has a token index in a per-sentence set")}");
                if (row.Token >= s.Pieces.Length)
                    throw new VAEaseException($"{rowsFile}: line {i + 1}: token {row.Token} of sentence {row.Sentence}, which has {s.Pieces.Length} tokens");
                result.Add(perToken ? new TextRow(s.Pieces[row.Token], s.Pieces, row.Token) : new TextRow(s.Text, null, -1));
            }
        }
        return result;
    }

    /// <summary>Null if the installed folder's metadata agrees with its data (every split of the set), else the problem.</summary>
    public static string? Verify(string name, string folder)
    {
        try
        {
            Load(name, folder, "all");
            return null;
        }
        catch (VAEaseException e)
        {
            return e.Message;
        }
    }

    public static Dictionary<int, Sentence> ReadSentences(string path)
    {
        var sentences = new Dictionary<int, Sentence>();
        int line = 0;
        foreach (string text in Lines(path))
        {
            line++;
            Sentence s = Parse<Sentence>(text, path, line);
            if (s.Text is null || s.Pieces is null || s.Split is null) throw new VAEaseException($"{path}: line {line} lacks text, pieces or split");
            if (!sentences.TryAdd(s.Id, s)) throw new VAEaseException($"{path}: line {line} repeats sentence id {s.Id}");
        }
        return sentences;
    }

    public static List<Row> ReadRows(string path)
    {
        var rows = new List<Row>();
        int line = 0;
        foreach (string text in Lines(path))
            rows.Add(Parse<Row>(text, path, ++line));
        return rows;
    }

    private static IEnumerable<string> Lines(string path)
    {
        if (!File.Exists(path)) throw new VAEaseException($"file not found: {path}");
        return File.ReadLines(path).Where(l => l.Length > 0);
    }

    private static T Parse<T>(string text, string path, int line)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(text, IO.Json.Options) ?? throw new VAEaseException($"{path}: line {line} is null");
        }
        catch (JsonException e)
        {
            throw new VAEaseException($"{path}: line {line} is not valid JSON ({e.Message.Split('.')[0]})");
        }
    }
}
