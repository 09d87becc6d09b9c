using VAEase.Data;
using VAEase.Models;
using VAEase.Text;
using static TorchSharp.torch;

namespace VAEase.Evaluation;

/// <summary>Downstream fidelity of a model trained on minilm-act (as SAE papers splice reconstructions into the LM and
/// measure the loss recovered): the layer-L hidden state of every held-out sentence is replaced, at its tokens, by the
/// model's reconstruction; all-MiniLM-L6-v2 finishes the forward pass; and the spliced sentence embedding is compared with
/// the original. The same for zero- and mean-ablation of the layer (every token's state set to 0, or to the mean
/// training activation) bounds the scale.</summary>
/// <param name="Sentences">Held-out sentences spliced.</param>
/// <param name="Tokens">Their tokens ([CLS] and [SEP] included), each replaced.</param>
/// <param name="Layer">The hidden state replaced: after this block of 6.</param>
/// <param name="CosModel">Mean cosine between the original and the spliced sentence embeddings.</param>
/// <param name="CosZero">As <paramref name="CosModel"/> with the layer zero-ablated.</param>
/// <param name="CosMean">As <paramref name="CosModel"/> with the layer mean-ablated.</param>
/// <param name="FidelityRecovered">(cos_model - cos_mean) / (1 - cos_mean): 1 is the original model, 0 no better than mean ablation.</param>
/// <param name="NeighboursModel">Share of sentences whose nearest other held-out sentence (cosine) is the same with spliced
/// embeddings as with the original ones.</param>
/// <param name="NeighboursZero">As <paramref name="NeighboursModel"/> under zero ablation.</param>
/// <param name="NeighboursMean">As <paramref name="NeighboursModel"/> under mean ablation.</param>
public sealed record DownstreamFidelity(int Sentences, long Tokens, int Layer, double CosModel, double CosZero, double CosMean,
    double FidelityRecovered, double NeighboursModel, double NeighboursZero, double NeighboursMean)
{
    /// <summary>The rule of <see cref="FidelityRecovered"/>, in words.</summary>
    public string Rule { get; init; } = "fidelity recovered = (cos_model - cos_mean_ablation) / (1 - cos_mean_ablation), cos = mean cosine of original and spliced sentence embeddings";

    private const int Batch = 32;

    /// <summary>Splices <paramref name="model"/>'s reconstructions into the installed minilm folder's model at its layer, for
    /// the held-out sentences (the first <paramref name="maxSentences"/> of them if given). <paramref name="normalization"/>
    /// is the run's (rows are normalised before the model and the reconstruction mapped back).</summary>
    public static DownstreamFidelity Measure(SparseAutoencoder model, Normalization? normalization, string folder, Device device, int? maxSentences = null)
    {
        model.eval();
        return Measure(rows => Reconstruct(model, normalization, rows, device), folder, maxSentences);
    }

    /// <summary>As above with any map of the layer's token rows [n, 384] to their replacements [n, 384].</summary>
    public static DownstreamFidelity Measure(Func<Tensor, Tensor> reconstruct, string folder, int? maxSentences = null)
    {
        var manifest = MiniLmInstaller.Installed(folder) ?? throw new VAEaseException($"{folder}: no readable {TextSets.ManifestFile}; reinstall with `vaease data install minilm-act`");
        int layer = manifest.Layer;
        string modelDir = Path.Combine(folder, MiniLmInstaller.ModelFolder);
        var tokenizer = WordPieceTokenizer.Load(Path.Combine(modelDir, MiniLmPackage.VocabFile));
        using var encoder = MiniLmEncoder.Load(Path.Combine(modelDir, MiniLmPackage.ModelFile));
        long[][] sentences = HeldOut(folder, tokenizer, maxSentences);
        using Tensor mean = TrainingMean(folder);
        var embeddings = new List<Tensor>[4]; // original, model, zero, mean: [S, 384] each once concatenated
        for (int k = 0; k < 4; k++) embeddings[k] = [];
        using (no_grad())
        {
            for (int start = 0; start < sentences.Length; start += Batch)
            {
                using var scope = NewDisposeScope();
                var (ids, mask) = MiniLmBatch.Pad(sentences[start..Math.Min(sentences.Length, start + Batch)]);
                var (hidden, last) = encoder.Run(ids, mask, layer);
                Tensor tokens = mask.to_type(ScalarType.Bool); // [B, T]
                Tensor rows = hidden[tokens]; // [n, 384]
                Tensor where = tokens.unsqueeze(-1).expand_as(hidden); // rows fill it in (sentence, token) order, as hidden[tokens] reads them
                Tensor Splice(Tensor replacement) => MiniLmEncoder.SentenceEmbedding(encoder.Finish(hidden.masked_scatter(where, replacement.contiguous()), mask, layer), mask);
                embeddings[0].Add(MiniLmEncoder.SentenceEmbedding(last, mask).MoveToOuterDisposeScope());
                embeddings[1].Add(Splice(reconstruct(rows)).MoveToOuterDisposeScope());
                embeddings[2].Add(Splice(zeros_like(rows)).MoveToOuterDisposeScope());
                embeddings[3].Add(Splice(mean.expand_as(rows)).MoveToOuterDisposeScope());
            }
        }
        Tensor[] all = [.. embeddings.Select(list => { var t = cat(list, 0); list.ForEach(x => x.Dispose()); return t; })];
        try
        {
            double Cos(Tensor spliced) => (all[0] * spliced).sum(1).mean().item<float>();
            double cosModel = Cos(all[1]), cosZero = Cos(all[2]), cosMean = Cos(all[3]);
            return new DownstreamFidelity(sentences.Length, sentences.Sum(s => (long)s.Length), layer, cosModel, cosZero, cosMean,
                (cosModel - cosMean) / (1 - cosMean), SameNeighbours(all[0], all[1]), SameNeighbours(all[0], all[2]), SameNeighbours(all[0], all[3]));
        }
        finally
        {
            foreach (Tensor t in all) t.Dispose();
        }
    }

    /// <summary>x_hat of rows [n, 384] through the model, in the rows' own units.</summary>
    private static Tensor Reconstruct(SparseAutoencoder model, Normalization? normalization, Tensor rows, Device device)
    {
        Tensor x = rows.to(device).clone();
        normalization?.Apply(x);
        Tensor xHat = model.Reconstruct(x).cpu();
        if (normalization is null) return xHat;
        if (normalization.Mode == NormalizeMode.CenterScale) xHat = xHat * normalization.Scale;
        return xHat + normalization.Mean;
    }

    /// <summary>Share of rows whose nearest other row (cosine of unit rows [S, d]) is the same in both sets.</summary>
    private static double SameNeighbours(Tensor original, Tensor spliced)
    {
        if (original.shape[0] < 2) return double.NaN;
        using var scope = NewDisposeScope();
        Tensor self = eye(original.shape[0], dtype: ScalarType.Bool);
        Tensor Nearest(Tensor e) => e.matmul(e.T).masked_fill(self, float.NegativeInfinity).argmax(1);
        return Nearest(original).eq(Nearest(spliced)).to_type(ScalarType.Float64).mean().item<double>();
    }

    /// <summary>The held-out sentences' token ids, re-tokenised from their text and checked against the pieces the harvest stored.</summary>
    private static long[][] HeldOut(string folder, WordPieceTokenizer tokenizer, int? maxSentences)
    {
        string file = Path.Combine(folder, TextSets.SentencesFile);
        var test = TextRows.ReadSentences(file).Values.Where(s => s.Split == "test").OrderBy(s => s.Id).Take(maxSentences ?? int.MaxValue).ToList();
        if (test.Count == 0) throw new VAEaseException($"{file}: no test sentences to splice");
        return [.. test.Select(s =>
        {
            var encoding = tokenizer.Encode(s.Text);
            if (!encoding.Pieces.SequenceEqual(s.Pieces))
                throw new VAEaseException($"{file}: sentence {s.Id} tokenises to {encoding.Pieces.Length} pieces now but was harvested as {s.Pieces.Length}; reinstall minilm-act");
            return encoding.Ids;
        })];
    }

    /// <summary>The mean training activation [384] (mean ablation), read shard by shard.</summary>
    private static Tensor TrainingMean(string folder)
    {
        string dir = TextSets.SplitFolders(MiniLmHarvest.ActSet, folder, "train")[0];
        Tensor sum = zeros(MiniLmEncoder.Dim, dtype: ScalarType.Float64);
        long rows = 0;
        foreach (var (file, count) in MatrixSources.ShardRows(dir))
        {
            using Tensor shard = NpyReader.ReadMatrix(file);
            using Tensor partial = shard.sum(0, type: ScalarType.Float64);
            sum.add_(partial);
            rows += count;
        }
        using (sum)
            return (sum / Math.Max(rows, 1)).to_type(ScalarType.Float32);
    }
}
