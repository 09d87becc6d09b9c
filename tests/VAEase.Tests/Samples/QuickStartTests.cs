using VAEase.Tests.Native;
using VAEase.Tests.Plotting;

namespace VAEase.Tests.Samples;

public sealed class QuickStartTests
{
    [Fact]
    public void The_quick_start_sample_trains_encodes_and_finds_each_piece_dimension_loading_torch_as_a_package_consumer_does()
    {
        using var work = new TempFolder();
        string cache = work.File("cache");

        var run = ChildProcess.Run("dotnet", [RepoPaths.QuickStartDll], new Dictionary<string, string> { ["XDG_CACHE_HOME"] = cache }, work.Path);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("piece 0: median 2 active dims", run.Stdout);
        Assert.Contains("piece 1: median 3 active dims", run.Stdout);
        Assert.True(File.Exists(Path.Combine(work.Path, "quickstart-model", "model.safetensors")));
        if (OperatingSystem.IsLinux()) NativeCache.AssertCopyExactlyWhereNeeded(cache, Path.GetDirectoryName(RepoPaths.QuickStartDll)!);
    }
}
