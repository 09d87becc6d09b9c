namespace VAEase.Data;

/// <summary>The installed text data (spec/DATA.md), each a data spec of its own:
/// <c>llm-act</c>, per-token activations (d = 512) of the Universal Sentence Encoder lite's layer 1 on real
/// English sentences; <c>text-emb</c>, the same model's sentence embeddings of those sentences; both split by
/// sentence into train and test, in the folder <c>use-lite</c> that `vaease data install llm-act` (or
/// text-emb) harvests. <c>minilm-act</c> and <c>minilm-emb</c>: the same per-token and per-sentence data of
/// all-MiniLM-L6-v2 (d = 384; the hidden state after one block, 3 by default), in the folder <c>minilm</c>
/// (`vaease data install minilm-act`, see <see cref="MiniLmInstaller"/>). <c>glove</c>: the GloVe 6B-100d word vectors in the folder <c>glove</c>
/// (`vaease data install glove`), split at random like any matrix.</summary>
public static class TextSets
{
    /// <summary>The text data specs.</summary>
    public static IReadOnlyList<string> Names { get; } = ["llm-act", "text-emb", "minilm-act", "minilm-emb", "glove"];

    /// <summary>The sets whose rows come split by sentence (train / test folders).</summary>
    public static IReadOnlyList<string> SentenceSets { get; } = ["llm-act", "text-emb", "minilm-act", "minilm-emb"];

    /// <summary>The sets with one row per token (the others: one per sentence or word).</summary>
    public static IReadOnlyList<string> TokenSets { get; } = ["llm-act", "minilm-act"];

    /// <summary>Folder (under an install root) of the harvested USE-lite data.</summary>
    public const string UseLiteFolder = "use-lite";

    /// <summary>Folder (under an install root) of the harvested all-MiniLM-L6-v2 data.</summary>
    public const string MiniLmFolder = "minilm";

    /// <summary>Folder (under an install root) of the GloVe vectors.</summary>
    public const string GloveFolder = "glove";

    /// <summary>Per harvested folder: one JSON line per sentence, {"id", "split", "source", "text", "pieces"}.</summary>
    public const string SentencesFile = "sentences.jsonl";

    /// <summary>Per split folder: one JSON line per data row, {"sentence": id[, "token": index]}.</summary>
    public const string RowsFile = "rows.jsonl";

    /// <summary>What was run to make the folder (model, corpus, counts, time).</summary>
    public const string ManifestFile = "manifest.json";

    /// <summary>GloVe: the vectors, float32 [N, 100].</summary>
    public const string VectorsFile = "vectors.npy";

    /// <summary>GloVe: one word per line, row order.</summary>
    public const string WordsFile = "words.txt";

    /// <summary>The folder name a set is installed under.</summary>
    public static string InstallFolder(string name) => Check(name) switch
    {
        "glove" => GloveFolder,
        "minilm-act" or "minilm-emb" => MiniLmFolder,
        _ => UseLiteFolder,
    };

    /// <summary>The folders searched for the set: $VAEASE_DATA_DIR, ./data and ~/.cache/vaease, each /use-lite, /minilm or /glove.</summary>
    public static IReadOnlyList<string> Folders(string name) => MatrixSources.SearchFolders(InstallFolder(name));

    /// <summary>Whether the folder holds the set's files (not their content check; see the installer).</summary>
    public static bool IsComplete(string name, string folder) => Check(name) == "glove"
        ? File.Exists(Path.Combine(folder, VectorsFile)) && File.Exists(Path.Combine(folder, WordsFile))
        : File.Exists(Path.Combine(folder, ManifestFile)) && File.Exists(Path.Combine(folder, SentencesFile))
          && SplitFolders(name, folder, "all").All(Directory.Exists);

    /// <summary>The first searched folder that holds the set, or null.</summary>
    public static string? Find(string name) => Folders(name).FirstOrDefault(f => IsComplete(name, f));

    /// <summary>The set's folder, or the error that says where we looked and how to install it.</summary>
    public static string Require(string name) => Find(name) ?? throw new VAEaseException(
        $"{name} is not installed: looked in {string.Join(", ", Folders(name))}. Install it with `vaease data install {name}`");

    /// <summary>The shard folders of a split: train, test, or both (in that order).</summary>
    public static IReadOnlyList<string> SplitFolders(string name, string folder, string split)
    {
        if (!MatrixSources.Splits.Contains(split)) throw new VAEaseException($"{name}: split must be train, test or all, got '{split}'");
        string[] parts = split == "all" ? ["train", "test"] : [split];
        return [.. parts.Select(p => Path.Combine(folder, Check(name), p))];
    }

    public static (long Rows, int Dim) Shape(string name, string split)
    {
        string folder = Require(name);
        return name == "glove" ? MatrixSources.NpyShape(Path.Combine(folder, VectorsFile)) : MatrixSources.ShardFoldersShape(SplitFolders(name, folder, split));
    }

    public static Dataset Load(string name, string split, string specName) => LoadFrom(name, Require(name), split, specName);

    /// <summary>As <see cref="Load"/>, from a given install folder.</summary>
    public static Dataset LoadFrom(string name, string folder, string split, string specName)
    {
        return Check(name) == "glove"
            ? MatrixSources.LoadNpy(Path.Combine(folder, VectorsFile), null, specName)
            : MatrixSources.LoadShardFolders(SplitFolders(name, folder, split), specName);
    }

    private static string Check(string name) => Names.Contains(name)
        ? name
        : throw new ArgumentException($"unknown text set '{name}' (known: {string.Join(", ", Names)})", nameof(name));
}
