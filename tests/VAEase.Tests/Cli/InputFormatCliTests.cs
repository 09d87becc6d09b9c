using System.IO.Compression;
using VAEase.Data;
using VAEase.Tests.Data;
using VAEase.Tests.Plotting;
using static TorchSharp.torch;
using static VAEase.Tests.Data.NpyReaderTests;

namespace VAEase.Tests.Cli;

/// <summary>`vaease train` on the inputs users already have: a Fortran-order .npy (loaded and streamed), an .npz archive
/// and a Parquet column of float lists (k = 2: the recipe's k of 24 exceeds the 4 latents); and their refusals, one line with exit code 2 and nothing written.</summary>
public sealed class InputFormatCliTests : IDisposable
{
    private readonly TempFolder folder = new("vaease-inputs");

    public void Dispose() => folder.Dispose();

    /// <summary>400 rows of d = 6 from a union of two planes: the values of each format's file.</summary>
    private static float[] Rows()
    {
        using Dataset union = SyntheticUnion.LinearUnion(6, [2, 2], 400, seed: 3);
        return union.X.data<float>().ToArray();
    }

    private string Write(string format)
    {
        float[] rows = Rows();
        string path = Path.Combine(folder.Path, format switch { "fortran" => "f.npy", "npz" => "x.npz", _ => "x.parquet" });
        if (format == "parquet")
            return ParquetMatrixTests.Write(path, 150, new ParquetMatrixTests.ListColumn("embedding", typeof(float),
                [.. Enumerable.Range(0, 400).Select(r => rows.AsSpan(r * 6, 6).ToArray().Select(v => (double?)v).ToArray())]));
        using Tensor x = tensor(rows).view(400, 6);
        using Tensor columns = x.t().contiguous();
        byte[] fortran = Npy(Dict("<f4", "(400, 6)", fortran: true), columns.bytes.ToArray());
        File.WriteAllBytes(path, format == "fortran" ? fortran
            : NpzReaderTests.Npz(CompressionLevel.Optimal, ("acts", Npy(Dict("<f4", "(400, 6)"), Bytes(rows))), ("acts_f", fortran)));
        return path;
    }

    [Theory]
    [InlineData("fortran", "npy:{0}", "")]
    [InlineData("fortran", "npy:{0}", "--stream")]
    [InlineData("npz", "npz:{0},array=acts", "")]
    [InlineData("npz", "npz:{0},array=acts_f", "")]
    [InlineData("parquet", "parquet:{0}", "")]
    public void Train_reads_each_format_and_trains_an_sae_on_it(string format, string spec, string stream)
    {
        string data = Write(format), dir = Path.Combine(folder.Path, "run");
        var train = CliProcess.Run(["train", "--model", "sae-topk", "--data", string.Format(spec, data), "--epochs", "1", "--latent", "4", "--topk", "2", "--out", dir,
            .. stream.Length > 0 ? new[] { stream, "--stream-block", "50" } : []]);
        Assert.True(train.ExitCode == 0, train.Stderr);
        Assert.Contains(stream.Length > 0 ? "350 train / 50 test samples, streamed" : "360 train / 40 test samples", train.Stderr);
        Assert.Contains("d = 6, kappa = 4", train.Stderr);
        Assert.True(File.Exists(Path.Combine(dir, "model.safetensors")));
    }

    [Theory]
    [InlineData("npz", "npz:{0}", "error: {0}: 2 arrays (acts, acts_f); choose one with array=NAME")]
    [InlineData("npz", "npz:{0},array=missing", "error: {0}: no array 'missing' (the archive has: acts, acts_f)")]
    [InlineData("npz", "npz:{0},array=acts --stream", "npz data is built in memory (drop --stream); to stream it, unzip the archive")]
    [InlineData("parquet", "parquet:{0},column=vectors", "error: {0}: no column 'vectors' (the file has: embedding (list<float>))")]
    public void A_bad_request_for_an_npz_or_parquet_file_is_one_error_line_and_nothing_is_written(string format, string spec, string problem)
    {
        string data = Write(format), dir = Path.Combine(folder.Path, "run");
        string[] words = string.Format(spec, data).Split(' ');
        var train = CliProcess.Run(["train", "--model", "sae-topk", "--data", words[0], "--epochs", "1", "--latent", "4", "--topk", "2", "--out", dir, .. words[1..]]);
        CliProcess.AssertUsageError(train, string.Format(problem, data));
        Assert.False(Directory.Exists(dir));
    }
}
