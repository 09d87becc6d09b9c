using VAEase.Models;
using VAEase.Training;

namespace VAEase.Tests.Training;

public class RecipesTests
{
    [Theory]
    [InlineData(ModelKind.VAEase, "linear", 0)]
    [InlineData(ModelKind.Vae, "linear", 0)]
    [InlineData(ModelKind.SaeL1, "linear", 10)]
    [InlineData(ModelKind.SaeLog, "linear", 10)]
    [InlineData(ModelKind.SaeTopK, "linear", 10)]
    [InlineData(ModelKind.VAEase, "mlp", 10)]
    [InlineData(ModelKind.Vae, "mlp", 10)]
    public void On_linear_unions_the_vae_family_trains_with_one_cosine_cycle_and_the_rest_keeps_the_authors_restarts(
        ModelKind kind, string family, int t0)
    {
        RunConfig run = Recipes.Synthetic(kind, family, "linear:d=40,dims=4+4+4", 40, 4);
        Assert.Equal(t0, run.Training.RestartPeriod);
        Assert.Equal(family == "linear" ? 150 : 310, run.Training.Epochs);
    }
}
