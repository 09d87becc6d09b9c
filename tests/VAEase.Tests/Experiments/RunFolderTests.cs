using VAEase.Data;
using VAEase.Experiments;
using VAEase.IO;
using VAEase.Models;
using VAEase.Tests.Plotting;
using VAEase.Tests.Training;
using VAEase.Training;

namespace VAEase.Tests.Experiments;

public class RunFolderTests
{
    static RunConfig Run(int epochs = 3) => TrainingFixture.Run(ModelKind.VAEase, "linear:d=6,dims=1+2,n=600,seed=2", epochs);

    [Fact]
    public void A_missing_or_empty_folder_holds_no_run_and_the_same_config_does()
    {
        using var folder = new TempFolder();
        string dir = folder.File("run");
        Assert.False(RunFolder.HoldsRun(dir, "config.json", Run(), "training"));
        Directory.CreateDirectory(dir);
        Assert.False(RunFolder.HoldsRun(dir, "config.json", Run(), "training"));
        Json.Write(Path.Combine(dir, "config.json"), Run());
        Assert.True(RunFolder.HoldsRun(dir, "config.json", Run(), "training"));
    }

    [Fact]
    public void Another_run_is_refused_naming_the_settings_that_differ_and_its_files_are_kept()
    {
        using var folder = new TempFolder();
        Json.Write(folder.File("config.json"), Run(epochs: 3));
        File.WriteAllText(folder.File("model.safetensors"), "weights");
        var e = Assert.Throws<VAEaseException>(() => RunFolder.HoldsRun(folder.Path, "config.json", Run(epochs: 8), "training"));
        Assert.Contains("training.epochs: 3 → 8", e.Message);
        Assert.DoesNotContain("seed", e.Message); // only what differs
        Assert.Equal(new[] { "config.json", "model.safetensors" }, folder.Entries());
    }

    [Fact]
    public void A_folder_of_other_files_is_refused()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("notes.txt"), "mine");
        var e = Assert.Throws<VAEaseException>(() => RunFolder.HoldsRun(folder.Path, "config.json", Run(), "training"));
        Assert.Contains("holds no training run", e.Message);
    }

    [Fact]
    public void The_comparison_uses_the_normalized_configs()
    {
        using var folder = new TempFolder();
        Json.Write(folder.File("config.json"), Run() with { Data = "linear:n=600,d=6,dims=1+2,seed=2" });
        Func<RunConfig, RunConfig> canonical = c => c with { Data = DataSpec.Canonical(c.Data) };
        Assert.Throws<VAEaseException>(() => RunFolder.HoldsRun(folder.Path, "config.json", Run(), "training"));
        Assert.True(RunFolder.HoldsRun(folder.Path, "config.json", Run(), "training", normalize: canonical));
    }

    [Fact]
    public void TrainAndEvaluate_reuses_its_finished_run_and_refuses_to_replace_it_with_another()
    {
        using var folder = new TempFolder();
        using Dataset all = DataSpec.Load(Run().Data);
        var options = new TrainOptions();
        RunResult first = ExperimentRun.TrainAndEvaluate(Run(), all, folder.Path, options);
        DateTime written = File.GetLastWriteTimeUtc(folder.File(ModelStore.WeightsFile));
        RunResult again = ExperimentRun.TrainAndEvaluate(Run(), all, folder.Path, options);
        Assert.Equal(first.Report.Re, again.Report.Re);
        Assert.Equal(written, File.GetLastWriteTimeUtc(folder.File(ModelStore.WeightsFile)));
        var e = Assert.Throws<VAEaseException>(() => ExperimentRun.TrainAndEvaluate(Run(epochs: 4), all, folder.Path, options));
        Assert.Contains("training.epochs: 3 → 4", e.Message);
        Assert.Equal(written, File.GetLastWriteTimeUtc(folder.File(ModelStore.WeightsFile)));
    }
}
