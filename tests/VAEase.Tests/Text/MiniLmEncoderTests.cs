using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Tensor = TorchSharp.torch.Tensor;
using VAEase.Text;
using static TorchSharp.torch;

namespace VAEase.Tests.Text;

/// <summary>Our TorchSharp all-MiniLM-L6-v2 against ONNX Runtime running the package's own ONNX graph, on real sentences
/// of different lengths padded into one batch.</summary>
public sealed class MiniLmEncoderTests
{
    private static readonly string[] Sentences =
    [
        "Creakiness and atmosphere this film has, but so unfortunately does the print I just viewed.",
        "The committee adopted the resolution without a vote.",
        "Café naïve, don't!",
    ];

    [Fact]
    public void Last_hidden_state_and_sentence_embeddings_match_onnx_runtime()
    {
        var tokenizer = WordPieceTokenizer.Load(MiniLmFiles.Vocab);
        var (ids, mask) = MiniLmBatch.Pad([.. Sentences.Select(s => tokenizer.Encode(s).Ids)]);
        float[] reference = OnnxLastHiddenState(ids, mask);

        var (layer3, last) = MiniLmFiles.Encoder.Run(ids, mask, layer: 3);
        using (layer3)
        using (last)
        using (var expected = tensor(reference, last.shape))
        {
            using var realTokens = mask.to_type(ScalarType.Bool).unsqueeze(-1).expand_as(last);
            double worst = (last - expected).abs().masked_select(realTokens).max().item<float>();
            Assert.True(worst < 1e-4, $"largest difference on real tokens {worst}");
            using var ours = MiniLmEncoder.SentenceEmbedding(last, mask);
            using var theirs = MiniLmEncoder.SentenceEmbedding(expected, mask);
            Assert.True((ours - theirs).abs().max().item<float>() < 1e-5);
            Assert.Equal(1.0, ours.norm(1).mean().item<float>(), 5);
        }
        ids.Dispose();
        mask.Dispose();
    }

    [Fact]
    public void Finishing_from_a_middle_layer_gives_the_same_last_hidden_state()
    {
        var tokenizer = WordPieceTokenizer.Load(MiniLmFiles.Vocab);
        var (ids, mask) = MiniLmBatch.Pad([.. Sentences.Select(s => tokenizer.Encode(s).Ids)]);
        var (layer3, last) = MiniLmFiles.Encoder.Run(ids, mask, layer: 3);
        using var finished = MiniLmFiles.Encoder.Finish(layer3, mask, layer: 3);
        Assert.True((finished - last).abs().max().item<float>() < 1e-5);
        var (layer6, last6) = MiniLmFiles.Encoder.Run(ids, mask, layer: 6);
        Assert.True(layer6.allclose(last6, rtol: 0, atol: 0));
        foreach (var t in new[] { ids, mask, layer3, last, layer6, last6 }) t.Dispose();
    }

    [Fact]
    public void A_layer_outside_0_to_6_is_refused()
    {
        using var ids = ones(1, 3, dtype: ScalarType.Int64);
        var e = Assert.Throws<VAEaseException>(() => MiniLmFiles.Encoder.Run(ids, ids, layer: 7));
        Assert.Contains("layer must be 0", e.Message);
    }

    [Fact]
    public void A_file_that_is_not_an_onnx_model_is_a_one_line_error()
    {
        var truncated = Assert.Throws<VAEaseException>(() => OnnxModel.Read(new byte[] { 0x3a, 0x05, 0x0a }, "x.onnx"));
        var text = Assert.Throws<VAEaseException>(() => OnnxModel.Read("hello world"u8.ToArray(), "y.onnx"));

        Assert.StartsWith("x.onnx: not a readable ONNX model", truncated.Message);
        Assert.StartsWith("y.onnx: not a readable ONNX model", text.Message);
    }

    private static float[] OnnxLastHiddenState(Tensor ids, Tensor mask)
    {
        int[] shape = [(int)ids.shape[0], (int)ids.shape[1]];
        using var session = new InferenceSession(MiniLmFiles.Model);
        var inputs = new List<NamedOnnxValue>
        {
            NamedOnnxValue.CreateFromTensor("input_ids", new DenseTensor<long>(ids.data<long>().ToArray(), shape)),
            NamedOnnxValue.CreateFromTensor("attention_mask", new DenseTensor<long>(mask.data<long>().ToArray(), shape)),
            NamedOnnxValue.CreateFromTensor("token_type_ids", new DenseTensor<long>(new long[shape[0] * shape[1]], shape)),
        };
        using var results = session.Run(inputs, ["last_hidden_state"]);
        return results.Single().AsTensor<float>().ToArray();
    }
}
