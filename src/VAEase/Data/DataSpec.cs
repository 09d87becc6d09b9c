using System.Globalization;
using VAEase.IO;

namespace VAEase.Data;

/// <summary>Parses a data spec string (<c>kind:key=value,...</c> or a built-in alias) into a
/// <see cref="Dataset"/>. Every malformed spec throws a <see cref="VAEaseException"/> with a
/// one-line message that names the bad part and shows a valid example.</summary>
public static class DataSpec
{
    private const string LinearExample = "linear:d=40,dims=4+4+4,n=500000,seed=1";
    private const string MlpExample = "mlp:d=100,dims=5+5+10+10,n=800000,seed=1";

    /// <summary>Named specs: the paper's two synthetic sets (IMPLEMENTATION.md §3) and a small
    /// one for the README's quick demo.</summary>
    private static readonly IReadOnlyDictionary<string, string> Aliases = new Dictionary<string, string>
    {
        ["table2-linear"] = LinearExample,
        ["table2-mlp"] = MlpExample,
        ["demo-linear"] = "linear:d=20,dims=2+3+5,n=60000,seed=1",
    };

    private static readonly string[] SyntheticKeys = ["d", "dims", "n", "seed"];

    private const string NpyExample = "npy:acts.npy,labels=groups.npy";
    private const string SafeTensorsExample = "safetensors:acts.safetensors,tensor=layer_1";
    private const string ShardsExample = "shards:acts/";
    private const string NpzExample = "npz:acts.npz,array=layer_1";
    private const string ParquetExample = "parquet:acts.parquet,column=embedding";
    private const string ImageSetExample = "mnist:split=test";

    /// <summary>The keys each file kind takes after its path, in canonical order.</summary>
    private static readonly IReadOnlyDictionary<string, string[]> FileKeys = new Dictionary<string, string[]>
    {
        ["npy"] = ["labels"],
        ["safetensors"] = ["tensor", "labels"],
        ["shards"] = ["tensor", "labels"],
        ["npz"] = ["array", "labels"],
        ["parquet"] = ["column", "labels"],
    };

    /// <summary>The key that names a tensor, array or column inside a file of the kind, or null (npy).</summary>
    private static string? MemberKey(string kind) => FileKeys[kind].FirstOrDefault(key => key != "labels");

    /// <summary>The file kinds read a block at a time (streaming, encode); an .npz or Parquet file is loaded whole.</summary>
    private static readonly string[] BlockKinds = ["npy", "safetensors", "shards"];

    /// <summary>The known kinds and aliases, for help text.</summary>
    public static string Help { get; } = string.Join(Environment.NewLine,
    [
        "Data specs:",
        "  linear:d=D,dims=R1+R2+...[,n=500000][,seed=1]   union of linear subspaces of dims Ri in R^D",
        "  mlp:d=D,dims=R1+R2+...[,n=800000][,seed=1]      union of LeakyReLU-MLP manifolds of dims Ri in R^D",
        "  npy:PATH[,labels=PATH]                          a 2-D .npy matrix [n, d] (<f4, <f2, <f8; C or Fortran order)",
        "  safetensors:PATH[,tensor=NAME][,labels=PATH]    one 2-D tensor (F32, F16, BF16, F64) of a .safetensors file",
        "  shards:DIR[,tensor=NAME][,labels=PATH]          all *.npy or all *.safetensors files of DIR, stacked in name order",
        "  npz:PATH[,array=NAME][,labels=PATH]             one 2-D array of an .npz archive (np.savez, np.savez_compressed)",
        "  parquet:PATH[,column=NAME][,labels=PATH]        a Parquet column of float or double lists, one list of d values per row",
        "  mnist[:split=train|test|all]                    MNIST, 784 pixels in [0, 1] (`vaease data install mnist`)",
        "  fashion-mnist[:split=train|test|all]            Fashion-MNIST, likewise (`vaease data install fashion-mnist`)",
        "  llm-act[:split=train|test|all]                  per-token layer-1 activations (d 512) of the USE-lite encoder on real",
        "                                                  English sentences, split by sentence (`vaease data install llm-act`)",
        "  text-emb[:split=train|test|all]                 that encoder's sentence embeddings (d 512) of the same sentences",
        "  minilm-act[:split=train|test|all]               per-token hidden state after block 3 of 6 (or --layer) of all-MiniLM-L6-v2 (d 384)",
        "                                                  on the same corpus, split by sentence (`vaease data install minilm-act`)",
        "  minilm-emb[:split=train|test|all]               all-MiniLM-L6-v2 sentence embeddings (d 384) of the same sentences",
        "  glove                                           GloVe 6B-100d word vectors, 341 479 x 100 (`vaease data install glove`)",
        "  (labels=PATH: an integer 1-D .npy with one group per row, used for per-group evaluation only)",
        .. Aliases.Select(kv => $"  {kv.Key,-14} = {kv.Value}"),
    ]);

    /// <summary>What a spec describes, known without generating or loading the data.</summary>
    /// <param name="Family">The kind: "linear", "mlp", "npy", "safetensors", "shards", "npz", "parquet", "mnist", "fashion-mnist", or a text set (<see cref="TextSets.Names"/>).</param>
    /// <param name="Dim">Ambient dimension d of each row.</param>
    /// <param name="Pieces">True dimension of each piece, indexed by label (empty for real data).</param>
    /// <param name="Count">Number of rows n.</param>
    /// <param name="Seed">Seed of the generator (0 for real data).</param>
    public sealed record Info(string Family, int Dim, IReadOnlyList<int> Pieces, long Count, long Seed);

    /// <summary>A spec read from files. Location is the absolute path, or the split of an image set; Member the tensor,
    /// array or column the spec names (its kind's first key), or null.</summary>
    private sealed record FileSpec(string Kind, string Location, string? Member, string? Labels);

    /// <summary>Parses and checks the spec without generating any data; file kinds read only headers.</summary>
    public static Info Describe(string spec)
    {
        var (info, files) = Parse(spec);
        if (info is not null) return info;
        var (rows, dim) = files!.Kind switch
        {
            "npy" => MatrixSources.NpyShape(files.Location),
            "safetensors" => MatrixSources.SafeTensorsShape(files.Location, files.Member),
            "shards" => MatrixSources.ShardsShape(files.Location, files.Member),
            "npz" => NpzReader.Shape(files.Location, files.Member),
            "parquet" => ParquetMatrix.Shape(files.Location, files.Member),
            _ when TextSets.Names.Contains(files.Kind) => TextSets.Shape(files.Kind, files.Location),
            _ => MatrixSources.ImageSetShape(files.Kind, files.Location),
        };
        return new Info(files.Kind, dim, [], rows, 0);
    }

    /// <summary>Builds the data set the spec describes; its name is the canonical spec.</summary>
    public static Dataset Load(string spec)
    {
        var (info, files) = Parse(spec);
        if (info is not null)
        {
            int[] dims = [.. info.Pieces];
            RequireMemory(spec, info);
            return info.Family == "linear"
                ? SyntheticUnion.LinearUnion(info.Dim, dims, info.Count, info.Seed)
                : SyntheticUnion.MlpUnion(info.Dim, dims, info.Count, info.Seed);
        }
        string name = FileCanonical(files!);
        return files!.Kind switch
        {
            "npy" => MatrixSources.LoadNpy(files.Location, files.Labels, name),
            "safetensors" => MatrixSources.LoadSafeTensors(files.Location, files.Member, files.Labels, name),
            "shards" => MatrixSources.LoadShards(files.Location, files.Member, files.Labels, name),
            "npz" => MatrixSources.LoadNpz(files.Location, files.Member, files.Labels, name),
            "parquet" => MatrixSources.LoadParquet(files.Location, files.Member, files.Labels, name),
            _ when TextSets.Names.Contains(files.Kind) => TextSets.Load(files.Kind, files.Location, name),
            _ => MatrixSources.LoadImageSet(files.Kind, files.Location, name),
        };
    }

    /// <summary>Refuses a synthetic set larger than the memory available, before it is generated: the rows [n, d] float32,
    /// the labels (a tensor and an array of int64), and the generator's weights (A [d, d], or each MLP piece's).</summary>
    private static void RequireMemory(string spec, Info info)
    {
        double n = info.Count, d = info.Dim;
        bool linear = info.Family == "linear";
        double weights = linear ? d * d : info.Pieces.Sum(r => (double)r * r + r * d), labels = linear ? 16 * n : 24 * n; // the MLP's row permutation too
        MemoryBudget.Require(4 * (n * d + weights) + labels, $"data spec '{OneLine(spec)}' (n = {info.Count} rows of d = {info.Dim})", "lower n or d");
    }

    /// <summary>The files and folders the spec reads (a folder: every file in it): the matrix file or folder of shards and
    /// the labels file of a file spec, an installed image set's folder; none for generated data. Reads no files but to
    /// find an installed image set. For refusing outputs that would replace the data (<see cref="IO.OutputGuard"/>).</summary>
    public static IReadOnlyList<(string Path, bool IsFolder)> InputPaths(string spec)
    {
        var (info, files) = Parse(spec);
        if (info is not null) return [];
        var paths = new List<(string, bool)>();
        if (FileKeys.ContainsKey(files!.Kind)) paths.Add((files.Location, files.Kind == "shards"));
        else if (MatrixSources.ImageSets.Contains(files.Kind) && MatrixSources.FindImageSet(files.Kind) is { } folder) paths.Add((folder, true));
        if (files.Labels is not null) paths.Add((files.Labels, false));
        return paths;
    }

    /// <summary>Whether the spec names a matrix in files (npy:, safetensors:, shards:), which <see cref="OpenMapped"/> can read in blocks.</summary>
    public static bool IsFileMatrix(string spec)
    {
        var (info, files) = Parse(spec);
        return info is null && BlockKinds.Contains(files!.Kind);
    }

    /// <summary>The matrix of an npy:, safetensors: or shards: spec, left on disk rather than loaded
    /// (for streaming, see <see cref="StreamedRows"/>); headers and labels are checked now, the data as it is read.</summary>
    public static MappedMatrix OpenMapped(string spec)
    {
        var (info, files) = Parse(spec);
        if (info is not null || !BlockKinds.Contains(files!.Kind))
            throw new VAEaseException($"data spec '{OneLine(spec)}': streaming reads npy:, safetensors: or shards: files; " +
                                      $"{info?.Family ?? files!.Kind} data is built in memory (drop --stream){StreamHint(files?.Kind)}");
        var matrix = new MappedMatrix(MatrixSources.Parts(files.Kind, files.Location, files.Member), FileCanonical(files), files.Labels);
        try
        {
            // Checked now, not when the held-out rows are evaluated: that is after the training, too late to refuse.
            if (files.Labels is { } labels && NpyReader.LabelCount(labels) is var count && count != matrix.Rows)
                throw new VAEaseException($"{labels}: {count} labels for the {matrix.Rows} rows of {matrix.Name}");
            return matrix;
        }
        catch
        {
            matrix.Dispose();
            throw;
        }
    }

    /// <summary>How to stream the data of a kind that is loaded whole, or nothing.</summary>
    private static string StreamHint(string? kind) => kind switch
    {
        "npz" => "; to stream it, unzip the archive: its members are .npy files (npy:, or shards: for several)",
        "parquet" => "; to stream it, save the column as a 2-D .npy (np.stack(table[column].to_numpy()))",
        _ => "",
    };

    /// <summary>The (train, test) pair a run trains and evaluates on: an image set's training split comes
    /// with its own test split (MNIST's 60k / 10k), as does llm-act's and text-emb's (held-out sentences);
    /// any other data is split at random (the paper's 90/10).</summary>
    public static (Dataset Train, Dataset Test) LoadTrainTest(string spec, double testFraction, long seed)
    {
        if (OwnTestSplit(spec) is { } test)
        {
            Dataset train = Load(spec);
            return (train, Load(test));
        }
        using Dataset all = Load(spec);
        return all.Split(testFraction, seed);
    }

    /// <summary>The spec of the test split that comes with <paramref name="spec"/> (the training split of an image set,
    /// llm-act or text-emb: "mnist:split=test"), which <see cref="LoadTrainTest"/> evaluates on; null for data that is
    /// split at random.</summary>
    public static string? OwnTestSplit(string spec)
    {
        var (_, files) = Parse(spec);
        return files is not null && HasSplits(files.Kind) && files.Location == "train" ? $"{files.Kind}:split=test" : null;
    }

    /// <summary>For a text spec (llm-act, text-emb, glove), the set and its split ("all" for glove); else null.</summary>
    public static (string Set, string Split)? TextSet(string spec)
    {
        var (_, files) = Parse(spec);
        return files is not null && TextSets.Names.Contains(files.Kind) ? (files.Kind, files.Location) : null;
    }

    /// <summary>The fully expanded spec, aliases resolved, defaults filled, paths made absolute,
    /// keys in a fixed order; two specs describe the same data iff their canonical forms are
    /// equal. Reads no files.</summary>
    public static string Canonical(string spec)
    {
        var (info, files) = Parse(spec);
        return info is not null
            ? SyntheticUnion.SpecName(info.Family, info.Dim, [.. info.Pieces], info.Count, info.Seed)
            : FileCanonical(files!);
    }

    private static string FileCanonical(FileSpec files)
    {
        if (HasSplits(files.Kind)) return $"{files.Kind}:split={files.Location}";
        if (files.Kind == "glove") return files.Kind;
        string text = $"{files.Kind}:{files.Location}";
        if (files.Member is not null) text += $",{MemberKey(files.Kind)}={files.Member}";
        if (files.Labels is not null) text += $",labels={files.Labels}";
        return text;
    }

    private static string KnownKinds => $"linear, mlp, npy, safetensors, shards, npz, parquet, mnist, fashion-mnist, {string.Join(", ", TextSets.Names)}, {string.Join(", ", Aliases.Keys)}";

    /// <summary>Kinds that come with their own train and test splits.</summary>
    private static bool HasSplits(string kind) => MatrixSources.ImageSets.Contains(kind) || TextSets.SentenceSets.Contains(kind);

    private static (Info? Synthetic, FileSpec? Files) Parse(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        string text = spec.Trim();
        if (Aliases.TryGetValue(text.ToLowerInvariant(), out var expanded)) text = expanded;

        int colon = text.IndexOf(':');
        string kind = (colon < 0 ? text : text[..colon]).Trim().ToLowerInvariant();
        string body = colon < 0 ? "" : text[(colon + 1)..];
        return kind switch
        {
            "linear" => (ParseUnion(spec, kind, body, defaultN: 500_000, LinearExample), null),
            "mlp" => (ParseUnion(spec, kind, body, defaultN: 800_000, MlpExample), null),
            "npy" => (null, ParseFile(spec, kind, body, NpyExample)),
            "safetensors" => (null, ParseFile(spec, kind, body, SafeTensorsExample)),
            "shards" => (null, ParseFile(spec, kind, body, ShardsExample)),
            "npz" => (null, ParseFile(spec, kind, body, NpzExample)),
            "parquet" => (null, ParseFile(spec, kind, body, ParquetExample)),
            "mnist" or "fashion-mnist" or "llm-act" or "text-emb" or "minilm-act" or "minilm-emb" => (null, ParseSplit(spec, kind, body)),
            "glove" when body.Trim().Length == 0 => (null, new FileSpec(kind, "all", null, null)),
            "glove" => throw Error(spec, "glove takes no keys (it is split at random for training)", "glove"),
            "" => throw Error(spec, $"missing kind (known: {KnownKinds})", LinearExample),
            _ => throw Error(spec, $"unknown kind '{kind}' (known: {KnownKinds})", LinearExample),
        };
    }

    private static Info ParseUnion(string spec, string kind, string body, long defaultN, string example)
    {
        var values = body.Trim().Length > 0 ? KeyValues(spec, kind, body.Split(','), SyntheticKeys, example) : [];
        foreach (string required in new[] { "d", "dims" })
            if (!values.ContainsKey(required)) throw Error(spec, $"missing required key '{required}'", example);

        int d = (int)Integer(spec, "d", values["d"], int.MinValue, int.MaxValue, example);
        string dimsText = values["dims"];
        if (dimsText.Length == 0) throw Error(spec, "dims is empty (give piece dimensions joined by '+')", example);
        int[] dims = Array.ConvertAll(dimsText.Split('+'),
            part => (int)Integer(spec, "dims", part.Trim(), int.MinValue, int.MaxValue, example));
        long n = values.TryGetValue("n", out var nText) ? Integer(spec, "n", nText, long.MinValue, long.MaxValue, example) : defaultN;
        long seed = values.TryGetValue("seed", out var seedText) ? Integer(spec, "seed", seedText, long.MinValue, long.MaxValue, example) : 1;

        try
        {
            SyntheticUnion.Validate(d, dims, n);
        }
        catch (VAEaseException e)
        {
            throw Error(spec, e.Message, example);
        }
        return new Info(kind, d, Array.AsReadOnly(dims), n, seed);
    }

    /// <summary>PATH[,key=value...]: the path first (relative to the current folder, ~ for home),
    /// then the kind's keys. Paths containing commas are not supported.</summary>
    private static FileSpec ParseFile(string spec, string kind, string body, string example)
    {
        string[] items = body.Split(',');
        string path = items[0].Trim();
        if (path.Length == 0) throw Error(spec, $"missing path after '{kind}:'", example);
        string[] known = FileKeys[kind];
        var values = KeyValues(spec, kind, items.Skip(1), known, example);
        foreach (var (key, value) in values)
            if (value.Length == 0) throw Error(spec, $"{key} is empty", example);
        string? labels = values.TryGetValue("labels", out var l) ? FullPath(l) : null;
        string location = FullPath(path);
        if (kind == "shards") location = Path.TrimEndingDirectorySeparator(location);
        return new FileSpec(kind, location, MemberKey(kind) is { } member ? values.GetValueOrDefault(member) : null, labels);
    }

    /// <summary>Nothing, or split=train|test|all.</summary>
    private static FileSpec ParseSplit(string spec, string kind, string body)
    {
        var values = body.Trim().Length == 0 ? [] : KeyValues(spec, kind, body.Split(','), ["split"], ImageSetExample);
        string split = values.TryGetValue("split", out var s) ? s.ToLowerInvariant() : "train";
        if (!MatrixSources.Splits.Contains(split)) throw Error(spec, $"split must be train, test or all, got '{split}'", ImageSetExample);
        return new FileSpec(kind, split, null, null);
    }

    private static Dictionary<string, string> KeyValues(string spec, string kind, IEnumerable<string> items, string[] known, string example)
    {
        var values = new Dictionary<string, string>();
        foreach (string item in items)
        {
            int eq = item.IndexOf('=');
            if (eq < 0) throw Error(spec, $"'{item.Trim()}' is not key=value", example);
            string key = item[..eq].Trim().ToLowerInvariant();
            if (!known.Contains(key))
                throw Error(spec, $"unknown key '{key}' for kind '{kind}' (known: {string.Join(", ", known)})", example);
            if (!values.TryAdd(key, item[(eq + 1)..].Trim())) throw Error(spec, $"duplicate key '{key}'", example);
        }
        return values;
    }

    private static string FullPath(string path)
    {
        if (path == "~" || path.StartsWith("~/", StringComparison.Ordinal))
            path = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) + path[1..];
        return Path.GetFullPath(path);
    }

    private static long Integer(string spec, string key, string text, long min, long max, string example)
    {
        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value))
            throw Error(spec, $"{key}: '{text}' is not an integer", example);
        if (value < min || value > max) throw Error(spec, $"{key}: {value} is out of range", example);
        return value;
    }

    /// <summary>The one-line error the CLI prints; control characters in the user's spec are
    /// escaped so the message stays on one line.</summary>
    private static VAEaseException Error(string spec, string problem, string example) =>
        new($"data spec '{OneLine(spec)}': {OneLine(problem)} (e.g. '{example}')");

    private static string OneLine(string text) => IO.Printable.Escape(text);
}
