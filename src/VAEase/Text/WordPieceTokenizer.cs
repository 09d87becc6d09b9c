using System.Globalization;
using System.Text;

namespace VAEase.Text;

/// <summary>The uncased BERT tokenizer (Devlin et al. 2019; Hugging Face's BasicTokenizer + WordpieceTokenizer, as
/// all-MiniLM-L6-v2 uses it): drop control characters, put spaces around CJK ideographs, split on whitespace,
/// lowercase, strip accents (NFD, drop the nonspacing marks Mn), split off every punctuation character, then cut each
/// word into the longest vocabulary pieces from the left ("##" marks a piece inside a word); a word that cannot be cut,
/// or longer than 100 characters, becomes [UNK]. The ids are wrapped as [CLS] ... [SEP].</summary>
public sealed class WordPieceTokenizer
{
    /// <summary>One encoded text: the ids with [CLS] and [SEP], their pieces, and whether pieces were cut off at the end.</summary>
    public sealed record Encoding(long[] Ids, string[] Pieces, bool Truncated);

    /// <summary>The most positions the model has (its position embeddings): [CLS] + 510 pieces + [SEP].</summary>
    public const int MaxTokens = 512;

    private const int MaxWordChars = 100;
    private readonly Dictionary<string, int> _ids;
    private readonly string[] _pieces;

    public int Unknown { get; }
    public int Cls { get; }
    public int Sep { get; }
    public int VocabularySize => _pieces.Length;

    /// <summary>A vocabulary of one piece per line (vocab.txt), the line index being the id.</summary>
    public WordPieceTokenizer(IReadOnlyList<string> vocabulary, string source)
    {
        _pieces = [.. vocabulary];
        _ids = new Dictionary<string, int>(_pieces.Length, StringComparer.Ordinal);
        for (int i = 0; i < _pieces.Length; i++) _ids.TryAdd(_pieces[i], i);
        int Special(string piece) => _ids.TryGetValue(piece, out int id) ? id : throw new VAEaseException($"{source}: the vocabulary lacks {piece}");
        (Unknown, Cls, Sep) = (Special("[UNK]"), Special("[CLS]"), Special("[SEP]"));
    }

    public static WordPieceTokenizer Load(string vocabFile)
    {
        if (!File.Exists(vocabFile)) throw new VAEaseException($"file not found: {vocabFile}");
        return new WordPieceTokenizer(File.ReadAllLines(vocabFile), vocabFile);
    }

    /// <summary>[CLS] + pieces + [SEP], at most <paramref name="maxTokens"/> ids: longer texts lose their last pieces
    /// and come back with <see cref="Encoding.Truncated"/> set.</summary>
    public Encoding Encode(string text, int maxTokens = MaxTokens)
    {
        if (maxTokens is < 3 or > MaxTokens) throw new ArgumentOutOfRangeException(nameof(maxTokens), maxTokens, $"expected 3 to {MaxTokens}");
        var ids = new List<long> { Cls };
        foreach (string word in BasicTokens(text))
            ids.AddRange(WordPieces(word).Select(i => (long)i));
        bool truncated = ids.Count > maxTokens - 1;
        if (truncated) ids.RemoveRange(maxTokens - 1, ids.Count - (maxTokens - 1));
        ids.Add(Sep);
        return new Encoding([.. ids], [.. ids.Select(i => _pieces[i])], truncated);
    }

    /// <summary>The words of the basic tokenizer: cleaned, lowercased, accents stripped, punctuation split off.</summary>
    public static IEnumerable<string> BasicTokens(string text)
    {
        var spaced = new StringBuilder(text.Length);
        foreach (Rune r in text.EnumerateRunes())
        {
            if (r.Value == 0 || r.Value == 0xFFFD || IsControl(r)) continue;
            if (IsCjk(r.Value)) spaced.Append(' ').Append(r.ToString()).Append(' ');
            else if (IsWhitespace(r)) spaced.Append(' ');
            else spaced.Append(r.ToString());
        }
        foreach (string token in spaced.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var word = new StringBuilder();
            foreach (Rune r in StripAccents(token.ToLowerInvariant()).EnumerateRunes())
            {
                if (!IsPunctuation(r))
                {
                    word.Append(r.ToString());
                    continue;
                }
                if (word.Length > 0) yield return word.ToString();
                word.Clear();
                yield return r.ToString();
            }
            if (word.Length > 0) yield return word.ToString();
        }
    }

    /// <summary>Greedy longest-match-first pieces of one word (ids); [UNK] alone if any part has no piece.</summary>
    private IEnumerable<int> WordPieces(string word)
    {
        if (word.EnumerateRunes().Count() > MaxWordChars) return [Unknown];
        var pieces = new List<int>();
        int start = 0;
        while (start < word.Length)
        {
            int end = word.Length, found = -1;
            while (end > start)
            {
                string piece = start > 0 ? "##" + word[start..end] : word[start..end];
                if (_ids.TryGetValue(piece, out found)) break;
                found = -1;
                end--;
                if (end > start && char.IsLowSurrogate(word[end])) end--; // never end a piece inside a surrogate pair
            }
            if (found < 0) return [Unknown];
            pieces.Add(found);
            start = end;
        }
        return pieces;
    }

    /// <summary>NFD less the nonspacing marks, from the table StripAccents.txt (string.Normalize does nothing to non-ASCII
    /// text under the invariant globalization we build with) and the Hangul syllable formula (Unicode §3.12).</summary>
    private static string StripAccents(string text)
    {
        var kept = new StringBuilder(text.Length);
        foreach (Rune r in text.EnumerateRunes())
        {
            int c = r.Value;
            if (c is >= 0xAC00 and <= 0xD7A3)
            {
                int s = c - 0xAC00;
                kept.Append((char)(0x1100 + s / 588)).Append((char)(0x1161 + s % 588 / 28));
                if (s % 28 != 0) kept.Append((char)(0x11A7 + s % 28));
            }
            else if (Decompositions.Value.TryGetValue(c, out string? stripped)) kept.Append(stripped);
            else if (Rune.GetUnicodeCategory(r) != UnicodeCategory.NonSpacingMark) kept.Append(r.ToString());
        }
        return kept.ToString();
    }

    private static readonly Lazy<Dictionary<int, string>> Decompositions = new(() =>
    {
        const string resource = "VAEase.Text.StripAccents.txt";
        using var stream = typeof(WordPieceTokenizer).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"the library lacks its embedded {resource}");
        using var reader = new StreamReader(stream);
        var table = new Dictionary<int, string>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line[0] == '#') continue;
            int[] points = [.. line.Split(' ').Select(h => int.Parse(h, NumberStyles.HexNumber, CultureInfo.InvariantCulture))];
            table[points[0]] = string.Concat(points.Skip(1).Select(char.ConvertFromUtf32));
        }
        return table;
    });

    /// <summary>As BERT: \t, \n, \r and the Zs space separators are whitespace.</summary>
    private static bool IsWhitespace(Rune r) => r.Value is ' ' or '\t' or '\n' or '\r' || Rune.GetUnicodeCategory(r) == UnicodeCategory.SpaceSeparator;

    /// <summary>As BERT: every C* category (control, format, private use, unassigned), but \t, \n and \r count as whitespace.</summary>
    private static bool IsControl(Rune r) => r.Value is not ('\t' or '\n' or '\r')
        && Rune.GetUnicodeCategory(r) is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.PrivateUse
            or UnicodeCategory.OtherNotAssigned or UnicodeCategory.Surrogate;

    /// <summary>As BERT: all non-letter, non-digit ASCII printables ($, ^, ` too) and every Unicode P* category.</summary>
    private static bool IsPunctuation(Rune r)
    {
        int c = r.Value;
        if (c is >= 33 and <= 47 or >= 58 and <= 64 or >= 91 and <= 96 or >= 123 and <= 126) return true;
        return Rune.GetUnicodeCategory(r) is UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation
            or UnicodeCategory.OpenPunctuation or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation
            or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation;
    }

    /// <summary>The CJK Unified Ideographs blocks BERT spaces out (not Hangul, Hiragana or Katakana).</summary>
    private static bool IsCjk(int c) => c is >= 0x4E00 and <= 0x9FFF or >= 0x3400 and <= 0x4DBF or >= 0x20000 and <= 0x2A6DF
        or >= 0x2A700 and <= 0x2B73F or >= 0x2B740 and <= 0x2B81F or >= 0x2B820 and <= 0x2CEAF or >= 0xF900 and <= 0xFAFF
        or >= 0x2F800 and <= 0x2FA1F;
}
