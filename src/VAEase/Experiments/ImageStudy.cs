using VAEase.Data;
using VAEase.Evaluation;
using VAEase.Models;
using VAEase.Training;
using static TorchSharp.torch;

namespace VAEase.Experiments;

/// <summary>Everything the image experiments report for one trained model (Section 5.2, Table 3, Figure 4,
/// Table 5): the evaluation on the test split, the masking curve, the class-alignment distances, and the
/// reconstructions of a few fixed test images for the gallery.</summary>
public sealed record ImageModelResult
{
    public required RunResult Run { get; init; }
    public required MaskingResult Masking { get; init; }
    public required IReadOnlyList<ClassAlignmentResult> Alignment { get; init; }

    /// <summary>Reconstructions of <see cref="ImageStudy.GalleryIndices"/>, each [d] in [0, 1].</summary>
    public required float[][] Gallery { get; init; }
}

/// <summary>Trains (or reuses) one model on an image set's training split and measures it on the test split.</summary>
public static class ImageStudy
{
    /// <summary>The first test image of each class, in class order: the gallery's columns.</summary>
    public static long[] GalleryIndices(Dataset test)
    {
        if (test.Labels is null) return [.. Enumerable.Range(0, (int)Math.Min(10, test.Count)).Select(i => (long)i)];
        return [.. test.Labels.Select((label, i) => (label, i: (long)i)).GroupBy(p => p.label).OrderBy(g => g.Key).Select(g => g.First().i)];
    }

    public static ImageModelResult Run(RunConfig run, Dataset train, Dataset test, string dir, TrainOptions options)
    {
        using SparseAutoencoder model = ExperimentRun.TrainOrLoad(run, train, dir, options, out double seconds, out long steps);
        Device device = options.Device;
        EncodedSet encoded = EncodedSet.Of(model, test, device: device); // one encoding serves every measure
        return new ImageModelResult
        {
            Run = new RunResult(run.Model.Kind, run.Training.Seed, Evaluator.Evaluate(model, test, encoded, device: device), seconds, steps),
            Masking = MaskingCurve.Evaluate(model, test, encoded, device: device),
            Alignment = test.Labels is null ? [] : ClassAlignment.Evaluate(encoded, test),
            Gallery = Reconstruct(model, test, GalleryIndices(test), device),
        };
    }

    /// <summary>Originals of the gallery images, each [d].</summary>
    public static float[][] Originals(Dataset test) => Rows(test.X, GalleryIndices(test));

    private static float[][] Reconstruct(SparseAutoencoder model, Dataset test, long[] indices, Device device)
    {
        model.eval();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        Tensor x = test.X.index_select(0, tensor(indices)).to(device);
        return Rows(model.Reconstruct(x).cpu(), [.. Enumerable.Range(0, indices.Length).Select(i => (long)i)]);
    }

    private static float[][] Rows(Tensor x, long[] indices)
    {
        using var scope = NewDisposeScope();
        return [.. indices.Select(i => x[i].to_type(ScalarType.Float32).contiguous().data<float>().ToArray())];
    }
}
