using System.Globalization;

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

    /// <summary>The known kinds and aliases, for help text.</summary>
    public static string Help { get; } = string.Join(Environment.NewLine,
    [
        "Data specs:",
        "  linear:d=D,dims=R1+R2+...[,n=500000][,seed=1]   union of linear subspaces of dims Ri in R^D",
        "  mlp:d=D,dims=R1+R2+...[,n=800000][,seed=1]      union of LeakyReLU-MLP manifolds of dims Ri in R^D",
        .. Aliases.Select(kv => $"  {kv.Key,-14} = {kv.Value}"),
    ]);

    /// <summary>What a spec describes, known without generating the data.</summary>
    /// <param name="Family">The kind: "linear" or "mlp".</param>
    /// <param name="Dim">Ambient dimension d of each row.</param>
    /// <param name="Pieces">True dimension of each piece, indexed by label.</param>
    /// <param name="Count">Number of rows n.</param>
    /// <param name="Seed">Seed of the generator.</param>
    public sealed record Info(string Family, int Dim, IReadOnlyList<int> Pieces, long Count, long Seed);

    /// <summary>Parses and checks the spec without generating any data.</summary>
    public static Info Describe(string spec) => Parse(spec);

    /// <summary>Builds the data set the spec describes.</summary>
    public static Dataset Load(string spec)
    {
        var info = Parse(spec);
        int[] dims = [.. info.Pieces];
        return info.Family == "linear"
            ? SyntheticUnion.LinearUnion(info.Dim, dims, info.Count, info.Seed)
            : SyntheticUnion.MlpUnion(info.Dim, dims, info.Count, info.Seed);
    }

    /// <summary>The fully expanded spec, aliases resolved and defaults filled, keys in a fixed
    /// order; two specs describe the same data iff their canonical forms are equal.</summary>
    public static string Canonical(string spec)
    {
        var info = Parse(spec);
        return SyntheticUnion.SpecName(info.Family, info.Dim, [.. info.Pieces], info.Count, info.Seed);
    }

    private static string KnownKinds => $"linear, mlp, {string.Join(", ", Aliases.Keys)}";

    private static Info Parse(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        string text = spec.Trim();
        if (Aliases.TryGetValue(text.ToLowerInvariant(), out var expanded)) text = expanded;

        int colon = text.IndexOf(':');
        string kind = (colon < 0 ? text : text[..colon]).Trim().ToLowerInvariant();
        string body = colon < 0 ? "" : text[(colon + 1)..];
        // Further kinds (npy:PATH, mnist, ...) get their own case here.
        return kind switch
        {
            "linear" => ParseUnion(spec, kind, body, defaultN: 500_000, LinearExample),
            "mlp" => ParseUnion(spec, kind, body, defaultN: 800_000, MlpExample),
            "" => throw Error(spec, $"missing kind (known: {KnownKinds})", LinearExample),
            _ => throw Error(spec, $"unknown kind '{kind}' (known: {KnownKinds})", LinearExample),
        };
    }

    private static Info ParseUnion(string spec, string kind, string body, long defaultN, string example)
    {
        var values = new Dictionary<string, string>();
        if (body.Trim().Length > 0)
        {
            foreach (string item in body.Split(','))
            {
                int eq = item.IndexOf('=');
                if (eq < 0) throw Error(spec, $"'{item.Trim()}' is not key=value", example);
                string key = item[..eq].Trim().ToLowerInvariant();
                if (!SyntheticKeys.Contains(key))
                    throw Error(spec, $"unknown key '{key}' for kind '{kind}' (known: {string.Join(", ", SyntheticKeys)})", example);
                if (!values.TryAdd(key, item[(eq + 1)..].Trim())) throw Error(spec, $"duplicate key '{key}'", example);
            }
        }
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

    private static string OneLine(string text) =>
        string.Concat(text.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));
}
