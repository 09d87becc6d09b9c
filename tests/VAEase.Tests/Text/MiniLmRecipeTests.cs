using VAEase.Data;
using VAEase.Models;
using VAEase.Networks;
using VAEase.Training;

namespace VAEase.Tests.Text;

public sealed class MiniLmRecipeTests
{
    [Fact]
    public void The_minilm_specs_are_split_by_sentence_like_llm_act()
    {
        Assert.Equal("minilm-act:split=train", DataSpec.Canonical("minilm-act"));
        Assert.Equal(("minilm-emb", "test"), DataSpec.TextSet("minilm-emb:split=test"));
        Assert.Equal("minilm", TextSets.InstallFolder("minilm-act"));
        Assert.Contains("minilm-act", TextSets.TokenSets);
        Assert.DoesNotContain("minilm-emb", TextSets.TokenSets);
    }

    [Fact]
    public void Kappa_scales_with_d_as_the_paper_sets_it_for_activations_and_embeddings()
    {
        Assert.Equal(300, Recipes.ActivationLatents(512)); // the paper's Pythia-70m layer
        Assert.Equal(225, Recipes.ActivationLatents(384));
        Assert.Equal(512, Recipes.EmbeddingLatents(768)); // the paper's ModernBERT embeddings
        Assert.Equal(256, Recipes.EmbeddingLatents(384));

        RunConfig act = Recipes.Text(ModelKind.SaeL1, "minilm-act", "minilm-act", 384), emb = Recipes.Text(ModelKind.SaeL1, "minilm-emb", "minilm-emb", 384);
        RunConfig llm = Recipes.Text(ModelKind.SaeL1, "llm-act", "llm-act", 512), text = Recipes.Text(ModelKind.SaeL1, "text-emb", "text-emb", 512);
        Assert.Equal((225, EncoderKind.OneLayer), (act.Model.Latent, act.Model.Encoder));
        Assert.Equal(256, emb.Model.Latent);
        Assert.Equal(llm.Training, act.Training);
        Assert.Equal((llm.Model.L1, llm.Model.L2), (act.Model.L1, act.Model.L2));
        Assert.Equal(text.Training, emb.Training);
        Assert.Equal((text.Model.L1, text.Model.L2), (emb.Model.L1, emb.Model.L2));
    }
}
