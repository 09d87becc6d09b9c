using TorchSharp;
using VAEase.Data;
using VAEase.Models;
using VAEase.Training;
using static TorchSharp.torch;

namespace VAEase.Tests.Training;

public sealed class ModelStoreTests
{
    [Theory]
    [InlineData(ModelKind.VAEase)]
    [InlineData(ModelKind.SaeTopK)]
    public void A_saved_model_reloads_and_gives_identical_codes(ModelKind kind)
    {
        RunConfig run = TrainingFixture.Run(kind, "linear:d=8,dims=2+2,n=3000,seed=2", epochs: 1);
        run = run with { Model = run.Model with { Encoder = VAEase.Networks.EncoderKind.ResidualMlp } }; // batch-norm buffers too
        using Dataset data = DataSpec.Load(run.Data);
        string dir = TrainingFixture.TempDir();
        try
        {
            using var trained = Trainer.Train(run, data, dir, new TrainOptions()).Model;
            var (loaded, config) = ModelStore.Load(dir);
            using (loaded)
            {
                Assert.Equal(run, config with { }, new RunConfigComparer());
                using var scope = NewDisposeScope();
                using var noGrad = no_grad();
                Encoding a = trained.Encode(data.X), b = loaded.Encode(data.X);
                Assert.True(a.Code.eq(b.Code).all().item<bool>());
                Assert.True(a.Activity.eq(b.Activity).all().item<bool>());
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Loading_a_folder_without_weights_explains_what_is_missing()
    {
        string dir = TrainingFixture.TempDir();
        Directory.CreateDirectory(dir);
        try
        {
            var e = Assert.Throws<VAEaseException>(() => ModelStore.Load(dir));
            Assert.Contains(ModelStore.WeightsFile, e.Message);
            Assert.Throws<VAEaseException>(() => ModelStore.Load(Path.Combine(dir, "absent")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    sealed class RunConfigComparer : IEqualityComparer<RunConfig>
    {
        public bool Equals(RunConfig? x, RunConfig? y) => x!.Data == y!.Data && x.Model with { InputDim = y.Model.InputDim } == y.Model && x.Training == y.Training;
        public int GetHashCode(RunConfig obj) => 0;
    }
}
