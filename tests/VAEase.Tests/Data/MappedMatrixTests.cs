using VAEase.Data;
using VAEase.Tests.Plotting;
using static TorchSharp.torch;

namespace VAEase.Tests.Data;

/// <summary>A matrix left on disk is read with positional reads, each after a check that the open file still has its
/// size and time of last write: a file truncated, grown or rewritten under a run is an error naming it (a mapped read
/// past a truncated end used to kill the process with SIGBUS).</summary>
public sealed class MappedMatrixTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Theory]
    [InlineData("truncated", "changed while it was being read (truncated from 6528 to 3264 bytes)")]
    [InlineData("grown", "changed while it was being read (grown from 6528 to 6532 bytes)")]
    [InlineData("rewritten", "changed while it was being read (rewritten (modified at")]
    public void A_file_changed_after_it_was_opened_is_an_error_at_the_next_read(string change, string problem)
    {
        string path = Path.Combine(folder.Path, "x.npy");
        using (Tensor x = randn(200, 8)) NpyReader.Write(path, x);
        using MappedMatrix matrix = DataSpec.OpenMapped($"npy:{path}");
        using Tensor rows = empty(10, 8);
        matrix.Read(190, 10, rows, 0);
        Thread.Sleep(50); // the file system stamps times by the clock tick: a rewrite within the tick of the open would keep its time

        using (var file = new FileStream(path, FileMode.Open))
            if (change == "truncated") file.SetLength(file.Length / 2);
            else if (change == "grown") file.SetLength(file.Length + 4);
            else
            {
                file.Position = file.Length - 32;
                file.Write(new byte[32]);
            }

        var e = Assert.Throws<VAEaseException>(() => matrix.Read(0, 10, rows, 0));
        Assert.StartsWith($"{path}: {problem}", e.Message);
    }
}
