using VAEase.IO;
using static TorchSharp.torch;

namespace VAEase.Data;

/// <summary>What is done to every row before the model sees it.</summary>
public enum NormalizeMode
{
    /// <summary>Rows as they are.</summary>
    None,

    /// <summary>x - mean.</summary>
    Center,

    /// <summary>(x - mean) / s with one scalar s = sqrt(E ||x - mean||^2 / d), so an entry's mean square is 1.</summary>
    CenterScale,
}

/// <summary>The statistics of a <see cref="NormalizeMode"/>, computed from the training rows in one pass and saved
/// beside the model (DIR/normalization.safetensors), so that eval and encode transform their data the same way.</summary>
public sealed class Normalization : IDisposable
{
    public const string File = "normalization.safetensors";

    private Normalization(NormalizeMode mode, Tensor mean, float scale, long rows)
    {
        Mode = mode;
        Mean = mean;
        Scale = scale;
        Rows = rows;
    }

    public NormalizeMode Mode { get; }

    /// <summary>The mean row [d], float32.</summary>
    public Tensor Mean { get; }

    /// <summary>The divisor s (1 for <see cref="NormalizeMode.Center"/>).</summary>
    public float Scale { get; }

    /// <summary>Rows the statistics were computed from.</summary>
    public long Rows { get; }

    /// <summary>Transforms rows [m, d] in place.</summary>
    public void Apply(Tensor rows)
    {
        if (rows.dim() != 2 || rows.shape[1] != Mean.shape[0])
            throw new VAEaseException($"the normalisation is for rows of d = {Mean.shape[0]}, the data has shape [{string.Join(", ", rows.shape)}]");
        using var scope = NewDisposeScope();
        rows.sub_(Mean);
        if (Mode == NormalizeMode.CenterScale) rows.div_(tensor(Scale));
    }

    /// <summary>The statistics of the rows that <paramref name="feed"/> passes, block by block, to the accumulator it is given
    /// (null for <see cref="NormalizeMode.None"/>).</summary>
    public static Normalization? Compute(NormalizeMode mode, int dim, Action<Action<Tensor>> feed)
    {
        if (mode == NormalizeMode.None) return null;
        var stats = new RowMoments(dim);
        feed(stats.Add);
        if (stats.Rows < 2) throw new VAEaseException($"normalisation needs at least 2 rows, got {stats.Rows}");
        double meanSquare = stats.SquaredDeviations / (stats.Rows * (double)dim);
        if (mode == NormalizeMode.CenterScale && !(meanSquare > 0))
            throw new VAEaseException("--normalize center-scale: the training rows are all equal (zero variance); use center");
        float scale = mode == NormalizeMode.CenterScale ? (float)Math.Sqrt(meanSquare) : 1f;
        return new Normalization(mode, tensor(Array.ConvertAll(stats.Mean, v => (float)v)), scale, stats.Rows);
    }

    /// <summary>The statistics of an in-memory matrix [n, d], fed in chunks as a stream would be.</summary>
    public static Normalization? Of(NormalizeMode mode, Tensor x) => Compute(mode, (int)x.shape[1], add => RowMoments.ForEachChunk(x, add));

    public void Save(string dir)
    {
        using Tensor scale = tensor(new[] { Scale });
        SafeTensors.Write(Path.Combine(dir, File), [new("mean", Mean), new("scale", scale)],
            new Dictionary<string, string> { ["mode"] = Json.Name(Mode), ["rows"] = Rows.ToString(System.Globalization.CultureInfo.InvariantCulture) });
    }

    /// <summary>The statistics a run saved in <paramref name="dir"/>, or null for <see cref="NormalizeMode.None"/>.</summary>
    public static Normalization? Load(string dir, NormalizeMode mode, int dim)
    {
        if (mode == NormalizeMode.None) return null;
        string path = Path.Combine(dir, File);
        if (!System.IO.File.Exists(path)) throw new VAEaseException($"{dir}: the run normalises its data ({Json.Name(mode)}) but {File} is missing");
        Dictionary<string, Tensor> saved = SafeTensors.ReadExpected(path, [new("mean", "F32", [dim]), new("scale", "F32", [1])], $"a {Json.Name(mode)} normalisation of rows of d = {dim}");
        using Tensor scale = saved["scale"];
        float s = scale.item<float>();
        if (!(s > 0))
        {
            saved["mean"].Dispose();
            throw new VAEaseException($"{path}: the scale {s} is not positive");
        }
        return new Normalization(mode, saved["mean"], s, 0);
    }

    public void Dispose() => Mean.Dispose();
}
