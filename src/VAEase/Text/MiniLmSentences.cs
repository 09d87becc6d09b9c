using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace VAEase.Text;

/// <summary>The sentences a MiniLM harvest reads: those of npm nlp-corpus 4.4.0 that the USE-lite harvest reads
/// (builds/doc-0.json, doc-1.json, ... in order, whitespace runs made one space, trimmed, exact duplicates dropped), or
/// the lines of a user's text file.</summary>
public static partial class MiniLmSentences
{
    public const string CorpusPackage = "nlp-corpus@4.4.0";

    /// <summary>The corpus sentences of the packed nlp-corpus tarball, in the order harvest.mjs reads them.</summary>
    public static IEnumerable<SourceSentence> Corpus(string tgz)
    {
        var docs = new SortedDictionary<int, string[]>();
        using (var file = File.OpenRead(tgz))
        using (var gzip = new GZipStream(file, CompressionMode.Decompress))
        using (var tar = new TarReader(gzip))
        {
            while (tar.GetNextEntry() is { } entry)
            {
                var match = DocName().Match(entry.Name);
                if (!match.Success || entry.DataStream is null) continue;
                try
                {
                    docs[int.Parse(match.Groups[1].Value)] = JsonSerializer.Deserialize<string[]>(entry.DataStream) ?? [];
                }
                catch (JsonException e)
                {
                    throw new VAEaseException($"{tgz}: {entry.Name} is not a JSON list of strings ({e.Message.Split('.')[0]})");
                }
            }
        }
        if (!docs.ContainsKey(0)) throw new VAEaseException($"{tgz}: no package/builds/doc-0.json (expected {CorpusPackage})");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int doc = 0; docs.TryGetValue(doc, out string[]? sentences); doc++)
            for (int i = 0; i < sentences.Length; i++)
            {
                string text = Whitespace().Replace(sentences[i] ?? "", " ").Trim();
                if (text.Length > 0 && seen.Add(text)) yield return new SourceSentence(text, $"nlp-corpus/builds/doc-{doc}.json#{i}");
            }
    }

    /// <summary>The non-blank lines of a UTF-8 text file, one sentence each (whitespace runs made one space); a missing
    /// file or one without a sentence is an error.</summary>
    public static IReadOnlyList<SourceSentence> TextFile(string path)
    {
        if (!File.Exists(path)) throw new VAEaseException($"file not found: {path}");
        var sentences = new List<SourceSentence>();
        int line = 0;
        foreach (string raw in File.ReadLines(path))
        {
            line++;
            string text = Whitespace().Replace(raw, " ").Trim();
            if (text.Length > 0) sentences.Add(new SourceSentence(text, $"{Path.GetFileName(path)}:{line}"));
        }
        if (sentences.Count == 0) throw new VAEaseException($"{path}: no sentences (the file is empty or blank; give one sentence per line)");
        return sentences;
    }

    [GeneratedRegex(@"^package/builds/doc-(\d+)\.json$")]
    private static partial Regex DocName();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
