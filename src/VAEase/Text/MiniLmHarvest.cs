using System.Diagnostics;
using System.Text.Json;
using static TorchSharp.torch;

namespace VAEase.Text;

/// <summary>Runs all-MiniLM-L6-v2 over sentences and writes, in the layout of the USE-lite harvest (harvest.mjs):
/// minilm-act/{train,test}/acts-NNNNN.npy (the hidden state of the chosen layer at every token, [CLS] and [SEP]
/// included, float32 [rows, 384]) with rows.jsonl ({"sentence", "token"}), minilm-emb/{train,test}/embeddings-NNNNN.npy
/// (mean pooling over the tokens, L2-normalised: the sentence-transformers embedding) with rows.jsonl ({"sentence"}),
/// and sentences.jsonl ({"id", "split", "source", "text", "pieces"}). Sentence id % 10 == 9 is test.</summary>
public static class MiniLmHarvest
{
    /// <summary>Counts of a finished harvest.</summary>
    public sealed record Result(int Sentences, long Tokens, int Skipped, IReadOnlyDictionary<string, long> Rows, double Seconds)
    {
        public double TokensPerSecond => Tokens / Math.Max(Seconds, 1e-9);
    }

    public const string ActSet = "minilm-act", EmbSet = "minilm-emb";
    private const int ShardRows = 65536, Chunk = 1024;

    /// <summary>Harvests the sentences into <paramref name="folder"/>. If <paramref name="strict"/>, a sentence longer than
    /// <see cref="MiniLmHarvestConfig.MaxTokens"/> is an error (a user's text file), else it is skipped and counted (the corpus).</summary>
    public static Result Run(MiniLmEncoder encoder, WordPieceTokenizer tokenizer, IEnumerable<SourceSentence> sentences, bool strict,
        MiniLmHarvestConfig config, string folder, TextWriter log)
    {
        config.Validate();
        var clock = Stopwatch.StartNew();
        var writers = new Dictionary<string, ShardWriter>();
        foreach (string split in new[] { "train", "test" })
        {
            writers[$"acts-{split}"] = new ShardWriter(Path.Combine(folder, ActSet, split), "acts", MiniLmEncoder.Dim, ShardRows);
            writers[$"emb-{split}"] = new ShardWriter(Path.Combine(folder, EmbSet, split), "embeddings", MiniLmEncoder.Dim, ShardRows);
        }
        try
        {
            using var sentenceFile = new StreamWriter(Path.Combine(folder, Data.TextSets.SentencesFile));
            var chunk = new List<(int Id, SourceSentence Sentence, WordPieceTokenizer.Encoding Encoding)>();
            int id = 0, skipped = 0;
            long tokens = 0;
            void Flush()
            {
                Encode(encoder, config, chunk, writers, sentenceFile);
                log.WriteLine($"harvest: {id} sentences, {tokens} tokens, {tokens / clock.Elapsed.TotalSeconds:F0} tokens/s, {clock.Elapsed.TotalSeconds:F0} s");
                chunk.Clear();
            }
            foreach (SourceSentence sentence in sentences)
            {
                if (tokens >= config.Tokens) break;
                var encoding = tokenizer.Encode(sentence.Text, config.MaxTokens);
                if (encoding.Truncated)
                {
                    if (strict) throw new VAEaseException($"{sentence.Source}: the sentence has more than {config.MaxTokens} tokens ([CLS] and [SEP] included); split it or raise --max-tokens (at most {WordPieceTokenizer.MaxTokens})");
                    skipped++;
                    continue;
                }
                chunk.Add((id++, sentence, encoding));
                tokens += encoding.Ids.Length;
                if (chunk.Count == Chunk) Flush();
            }
            if (chunk.Count > 0) Flush();
            if (tokens < config.Tokens) log.WriteLine($"harvest: the sentences ran out at {tokens} tokens (asked for {config.Tokens})");
            foreach (var w in writers.Values) w.Close();
            return new Result(id, tokens, skipped, writers.ToDictionary(kv => kv.Key, kv => kv.Value.Rows), clock.Elapsed.TotalSeconds);
        }
        finally
        {
            foreach (var w in writers.Values) w.Dispose();
        }
    }

    /// <summary>Encodes a chunk in length-sorted batches, then writes its rows in sentence order.</summary>
    private static void Encode(MiniLmEncoder encoder, MiniLmHarvestConfig config, List<(int Id, SourceSentence Sentence, WordPieceTokenizer.Encoding Encoding)> chunk,
        Dictionary<string, ShardWriter> writers, StreamWriter sentenceFile)
    {
        var acts = new float[chunk.Count][];
        var embeddings = new float[chunk.Count][];
        int[] order = [.. Enumerable.Range(0, chunk.Count).OrderBy(i => chunk[i].Encoding.Ids.Length)];
        for (int start = 0; start < order.Length; start += config.BatchSize)
        {
            int[] batch = order[start..Math.Min(order.Length, start + config.BatchSize)];
            var (ids, mask) = MiniLmBatch.Pad([.. batch.Select(i => chunk[i].Encoding.Ids)]);
            var (layer, last) = encoder.Run(ids, mask, config.Layer);
            using (ids)
            using (mask)
            using (layer)
            using (last)
            using (Tensor embedding = MiniLmEncoder.SentenceEmbedding(last, mask))
            {
                float[] layerValues = layer.data<float>().ToArray(), embValues = embedding.data<float>().ToArray();
                int t = (int)layer.shape[1], d = MiniLmEncoder.Dim;
                for (int b = 0; b < batch.Length; b++)
                {
                    int n = chunk[batch[b]].Encoding.Ids.Length;
                    acts[batch[b]] = layerValues[(b * t * d)..((b * t + n) * d)];
                    embeddings[batch[b]] = embValues[(b * d)..((b + 1) * d)];
                }
            }
        }
        for (int i = 0; i < chunk.Count; i++)
        {
            var (id, sentence, encoding) = chunk[i];
            string split = id % 10 == 9 ? "test" : "train";
            for (int j = 0; j < encoding.Ids.Length; j++)
                writers[$"acts-{split}"].Add(acts[i].AsSpan(j * MiniLmEncoder.Dim, MiniLmEncoder.Dim), $"{{\"sentence\":{id},\"token\":{j}}}");
            writers[$"emb-{split}"].Add(embeddings[i], $"{{\"sentence\":{id}}}");
            sentenceFile.WriteLine(JsonSerializer.Serialize(new { id, split, source = sentence.Source, text = sentence.Text, pieces = encoding.Pieces }));
        }
    }
}
