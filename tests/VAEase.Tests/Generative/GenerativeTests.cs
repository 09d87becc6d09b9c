using VAEase.Data;
using VAEase.Generative;
using VAEase.IO;
using VAEase.Tests.Training;
using VAEase.Training;
using static TorchSharp.torch;

namespace VAEase.Tests.Generative;

/// <summary>The GAN and the score model: exact resume, pseudo-data files, and that training learns.</summary>
public sealed class GenerativeTests
{
    /// <summary>Tiny 8x8 "images" in [0, 1]: a bright square at one of four places plus a little noise.</summary>
    static Dataset Squares(int n, ulong seed)
    {
        using var generator = new TorchSharp.torch.Generator(seed);
        Tensor images = rand(n, 8, 8, generator: generator).mul_(0.1);
        long[] place = randint(0, 4, [n], generator: generator).data<long>().ToArray();
        for (int i = 0; i < n; i++)
        {
            int r = (int)(place[i] / 2) * 4, c = (int)(place[i] % 2) * 4;
            images[i].narrow(0, r, 4).narrow(1, c, 4).fill_(0.9);
        }
        return new Dataset(images.reshape(n, 64), place, "squares");
    }

    sealed class CrashAt(long step) : IProgress<TrainProgress>
    {
        public void Report(TrainProgress value)
        {
            if (value.Step == step) throw new IOException("simulated crash");
        }
    }

    static void AssertSameTensors(string expectedPath, string actualPath)
    {
        var expected = SafeTensors.Read(expectedPath);
        var actual = SafeTensors.Read(actualPath);
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (name, tensor) in expected)
            Assert.True(tensor.eq(actual[name]).all().item<bool>(), $"{name} differs after resume");
    }

    [Fact]
    public void A_gan_run_killed_and_resumed_ends_with_the_same_networks_as_an_uninterrupted_run()
    {
        using Dataset data = Squares(256, 1);
        var config = new GanConfig { Data = "squares", InputDim = 64, Epochs = 3, BatchSize = 32, CheckpointEvery = 5 }; // 8 steps per epoch
        string whole = TrainingFixture.TempDir(), interrupted = TrainingFixture.TempDir();
        try
        {
            GanRun.Train(config, data, whole, new TrainOptions());
            Assert.Throws<IOException>(() => GanRun.Train(config, data, interrupted, new TrainOptions { Progress = new CrashAt(13) }));
            Assert.NotNull(Checkpoint.Find(interrupted));
            var history = GanRun.Train(config, data, interrupted, new TrainOptions { Resume = true });

            Assert.Equal(3, history.Count);
            foreach (string name in new[] { Gan.GeneratorName, Gan.DiscriminatorName })
                AssertSameTensors(Path.Combine(whole, name + ".safetensors"), Path.Combine(interrupted, name + ".safetensors"));
            Assert.Null(Checkpoint.Find(interrupted));
        }
        finally
        {
            Directory.Delete(whole, recursive: true);
            Directory.Delete(interrupted, recursive: true);
        }
    }

    [Fact]
    public void Gan_samples_are_a_seeded_npy_in_the_unit_interval_and_a_grid_png_shows_them()
    {
        using Dataset data = Squares(256, 2);
        var config = new GanConfig { Data = "squares", InputDim = 64, Epochs = 2, BatchSize = 32 };
        string dir = TrainingFixture.TempDir();
        try
        {
            GanRun.Train(config, data, dir, new TrainOptions());
            string a = Path.Combine(dir, "a.npy"), b = Path.Combine(dir, "b.npy"), c = Path.Combine(dir, "c.npy");
            GanRun.Sample(dir, 10_000, 5, a);
            GanRun.Sample(dir, 10_000, 5, b);
            GanRun.Sample(dir, 10_000, 6, c);

            Assert.Equal(File.ReadAllBytes(a), File.ReadAllBytes(b));
            Assert.NotEqual(File.ReadAllBytes(a), File.ReadAllBytes(c));
            using Tensor x = NpyReader.ReadMatrix(a);
            Assert.Equal([10_000L, 64L], x.shape);
            Assert.True(x.min().item<float>() >= 0 && x.max().item<float>() <= 1);
            Assert.True(x.std(0).mean().item<float>() > 1e-3, "samples do not vary with the noise");

            string huge = Path.Combine(dir, "huge.npy");
            Assert.StartsWith("--n 10000000000000000 samples of d = 64 needs about 2.6 EB of disk",
                Assert.Throws<VAEaseException>(() => GanRun.Sample(dir, 10_000_000_000_000_000, 5, huge)).Message);
            Assert.False(File.Exists(huge));

            string png = Path.Combine(dir, "grid.png");
            GanRun.SampleGrid(dir, data, png, 1, columns: 4, rowsEach: 2);
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, File.ReadAllBytes(png)[..4]);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void The_gan_refuses_data_outside_the_unit_interval()
    {
        using var data = new Dataset(randn(100, 64), null, "gaussian");
        string dir = TrainingFixture.TempDir();
        try
        {
            var e = Assert.Throws<VAEaseException>(() => GanRun.Train(new GanConfig { InputDim = 64, Epochs = 1 }, data, dir, new TrainOptions()));
            Assert.Contains("values in [0, 1]", e.Message);
            Assert.False(Directory.Exists(dir) && Directory.EnumerateFileSystemEntries(dir).Any(), "a refused run left files behind");
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void A_score_model_learns_to_denoise_and_resumes_exactly()
    {
        using Dataset data = DataSpec.Load("linear:d=8,dims=2+3,n=4000,seed=3");
        ScoreConfig config = ScoreRun.For(data, "linear") with { Hidden = 64, Blocks = 1, Epochs = 6, BatchSize = 64, LearningRate = 3e-3, CheckpointEvery = 25 }; // 57 steps per epoch
        Assert.Equal(0, config.Shift);
        string whole = TrainingFixture.TempDir(), interrupted = TrainingFixture.TempDir();
        try
        {
            var history = ScoreRun.Train(config, data, whole, new TrainOptions());
            Assert.Throws<IOException>(() => ScoreRun.Train(config, data, interrupted, new TrainOptions { Progress = new CrashAt(140) }));
            ScoreRun.Train(config, data, interrupted, new TrainOptions { Resume = true });

            AssertSameTensors(Path.Combine(whole, "score.safetensors"), Path.Combine(interrupted, "score.safetensors"));
            // An untrained network (eps_hat = 0, the zero-initialised output) scores exactly 1 per coordinate.
            Assert.True(history[^1].Loss < 0.8, $"denoising loss {history[^1].Loss} did not fall below 0.8"); // measured 0.747
            var (network, loaded) = ScoreRun.Load(whole);
            using var _ = network;
            Assert.Equal(config, loaded);
        }
        finally
        {
            Directory.Delete(whole, recursive: true);
            Directory.Delete(interrupted, recursive: true);
        }
    }
}
