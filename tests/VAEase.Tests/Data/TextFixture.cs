using System.Text.Json;
using VAEase.Data;
using static TorchSharp.torch;

namespace VAEase.Tests.Data;

/// <summary>A hand-made harvest folder in the layout harvest.mjs writes (TextSets): sentences.jsonl, manifest.json
/// and, per split (every 10th sentence is test), llm-act shards of one row per token and text-emb rows of one
/// row per sentence, each with its rows.jsonl. Sentence i has 3 + i % 4 tokens named "▁w{i}_{j}".</summary>
internal static class TextFixture
{
    /// <summary>Writes ROOT/use-lite and returns that folder. Activations are seeded Gaussians (d = <paramref name="dim"/>),
    /// except that token j of every sentence adds 10 to column j, so column j's strongest rows are the j-th tokens.</summary>
    public static string UseLite(string root, int sentences, int dim = 512, int shardRows = 7)
    {
        string folder = Path.Combine(root, TextSets.UseLiteFolder);
        Directory.CreateDirectory(folder);
        using var generator = new Generator(1);
        var lines = new List<string>();
        var rows = new Dictionary<string, List<string>>();
        var vectors = new Dictionary<string, List<float[]>>();
        for (int i = 0; i < sentences; i++)
        {
            string split = i % 10 == 9 ? "test" : "train";
            string[] pieces = [.. Enumerable.Range(0, 3 + i % 4).Select(j => $"▁w{i}_{j}")];
            lines.Add(JsonSerializer.Serialize(new { id = i, split, source = $"fixture#{i}", text = string.Join(' ', pieces).Replace("▁", ""), pieces }));
            for (int j = 0; j < pieces.Length; j++)
            {
                float[] v = Gaussian(dim, generator);
                v[j % dim] += 10;
                Add(rows, vectors, $"llm-act/{split}", JsonSerializer.Serialize(new { sentence = i, token = j }), v);
            }
            Add(rows, vectors, $"text-emb/{split}", JsonSerializer.Serialize(new { sentence = i }), Gaussian(dim, generator));
        }
        File.WriteAllLines(Path.Combine(folder, TextSets.SentencesFile), lines);
        File.WriteAllText(Path.Combine(folder, TextSets.ManifestFile), "{\"requested_tokens\": 1}");
        foreach (var (part, list) in vectors)
        {
            string dir = Path.Combine(folder, part);
            Directory.CreateDirectory(dir);
            File.WriteAllLines(Path.Combine(dir, TextSets.RowsFile), rows[part]);
            for (int s = 0; s * shardRows < list.Count; s++)
            {
                float[][] shard = [.. list.Skip(s * shardRows).Take(shardRows)];
                using var t = tensor(shard.SelectMany(r => r).ToArray(), [shard.Length, dim]);
                NpyReader.Write(Path.Combine(dir, $"shard-{s:D5}.npy"), t);
            }
        }
        return folder;
    }

    private static void Add(Dictionary<string, List<string>> rows, Dictionary<string, List<float[]>> vectors, string part, string row, float[] v)
    {
        if (!rows.ContainsKey(part)) (rows[part], vectors[part]) = ([], []);
        rows[part].Add(row);
        vectors[part].Add(v);
    }

    private static float[] Gaussian(int dim, Generator generator)
    {
        using var t = randn([dim], generator: generator);
        return t.data<float>().ToArray();
    }
}
