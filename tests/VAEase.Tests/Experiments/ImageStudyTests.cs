using VAEase.Data;
using VAEase.Evaluation;
using VAEase.Experiments;
using VAEase.Models;
using VAEase.Networks;
using VAEase.Tests.Plotting;
using VAEase.Training;
using static TorchSharp.torch;

namespace VAEase.Tests.Experiments;

public sealed class ImageStudyTests
{
    /// <summary>8 x 8 images of two classes: a bright row (class 0) or a bright column (class 1) at a random place.</summary>
    static Dataset Bars(int n, long seed)
    {
        var random = new Random((int)seed);
        var pixels = new float[n * 64];
        var labels = new long[n];
        for (int i = 0; i < n; i++)
        {
            labels[i] = i % 2;
            int at = random.Next(8);
            for (int k = 0; k < 8; k++)
                pixels[i * 64 + (labels[i] == 0 ? at * 8 + k : k * 8 + at)] = 0.5f + 0.5f * (float)random.NextDouble();
        }
        return new Dataset(tensor(pixels).reshape(n, 64), labels, $"bars:{seed}");
    }

    static RunConfig Run(ModelKind kind) => new()
    {
        Data = "bars",
        Model = new ModelConfig
        {
            Kind = kind, InputDim = 64, Latent = 6, Encoder = EncoderKind.ResidualConv, Decoder = DecoderKind.ResidualConv,
            LogGammaInit = -3, L1 = 1e-3, L2 = 1e-4, TopK = 2,
        },
        Training = new TrainConfig { Epochs = 2, BatchSize = 64, LearningRate = 0.01, RestartPeriod = 0, Seed = 1, CheckpointEvery = 0 },
    };

    [Fact]
    public void A_study_measures_the_test_split_and_writes_every_figure_and_a_second_run_reuses_the_trained_models()
    {
        using var folder = new TempFolder();
        using Dataset train = Bars(512, 1), test = Bars(100, 2);
        ModelKind[] kinds = [ModelKind.VAEase, ModelKind.SaeL1, ModelKind.SaeTopK];
        var results = kinds.Select(k => ImageStudy.Run(Run(k), train, test, folder.File(Json(k)), new TrainOptions())).ToList();

        foreach (ImageModelResult r in results)
        {
            Assert.Equal(2, r.Gallery.Length);                                           // one image per class
            Assert.All(r.Gallery, image => Assert.True(image.Length == 64 && image.All(p => p is >= 0 and <= 1)));
            Assert.Equal(Enumerable.Range(1, 6), r.Masking.Kept);
            Assert.True(Math.Abs(r.Run.Report.Re - r.Masking.Re[^1]) <= 1e-6 * r.Run.Report.Re, "keeping every dim is no masking");
            Assert.Equal(2, r.Alignment.Count);
            Assert.Equal(ActiveRule.VarianceSplit, r.Alignment[0].Rule);
        }
        Assert.Equal(16, results[0].Run.Steps);                                        // 2 epochs of 512 / 64

        Figures.WriteImageFigures(folder.Path, "bars", results, ImageStudy.Originals(test));
        foreach (string png in new[] { Figures.Masking, Figures.PerClass, Figures.Histograms, Figures.Gallery })
            Assert.True(Png.Decode(folder.File(png)).Width > 0);
        string[] csv = File.ReadAllLines(folder.File(Figures.MaskingCsv));
        Assert.Equal("kept,vaease,sae-l1", csv[0]);                                     // Figure 4 leaves SAE-TopK out
        Assert.Equal(7, csv.Length);

        DateTime written = File.GetLastWriteTimeUtc(Path.Combine(folder.File(Json(ModelKind.VAEase)), ModelStore.WeightsFile));
        ImageModelResult again = ImageStudy.Run(Run(ModelKind.VAEase), train, test, folder.File(Json(ModelKind.VAEase)), new TrainOptions());
        Assert.Equal(written, File.GetLastWriteTimeUtc(Path.Combine(folder.File(Json(ModelKind.VAEase)), ModelStore.WeightsFile)));
        Assert.Equal(results[0].Run.Report.Re, again.Run.Report.Re, 10);
        Assert.Equal(results[0].Masking.Re, again.Masking.Re);
    }

    [Fact]
    public void The_gallery_shows_the_first_test_image_of_each_class_in_class_order()
    {
        using var data = new Dataset(rand(6, 64), [3, 1, 3, 0, 1, 0], "t");
        Assert.Equal([3L, 1L, 0L], ImageStudy.GalleryIndices(data));
        float[][] originals = ImageStudy.Originals(data);
        Assert.Equal(data.X[3].data<float>().ToArray(), originals[0]);
    }

    static string Json(ModelKind kind) => VAEase.IO.Json.Name(kind);
}
