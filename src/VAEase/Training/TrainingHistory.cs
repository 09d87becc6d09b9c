using VAEase.IO;

namespace VAEase.Training;

/// <summary>The per-epoch metrics of a run folder, finished or not: metrics.json of a finished run, else the
/// history its latest checkpoint carries (a run in progress, or one that was interrupted).</summary>
/// <param name="Dir">The run folder, as given (without a trailing separator): the run's name in plots and output.</param>
/// <param name="Run">The run's config.json.</param>
/// <param name="Finished">Whether the run wrote its final metrics.</param>
/// <param name="Epochs">The finished epochs, in order.</param>
public sealed record TrainingHistory(string Dir, RunConfig Run, bool Finished, IReadOnlyList<EpochMetrics> Epochs)
{
    /// <summary>Reads the history of the run in <paramref name="dir"/>; a folder without a run, or a run that has
    /// not finished an epoch, is a VAEaseException.</summary>
    public static TrainingHistory Read(string dir)
    {
        if (!Directory.Exists(dir)) throw new VAEaseException($"run folder not found: {dir}");
        string config = Path.Combine(dir, ModelStore.ConfigFile);
        if (!File.Exists(config)) throw new VAEaseException($"{dir} holds no training run ({ModelStore.ConfigFile} is missing)");
        RunConfig run = Json.Read<RunConfig>(config);
        string metrics = Path.Combine(dir, Trainer.MetricsFile);
        bool finished = File.Exists(metrics);
        List<EpochMetrics> epochs = finished
            ? Json.Read<SavedEpochs>(metrics).Epochs ?? []
            : Checkpoint.Find(dir) is { } checkpoint ? Checkpoint.ReadState(checkpoint).History : [];
        if (epochs.Count == 0) throw new VAEaseException($"{dir}: the run has not finished an epoch yet");
        return new TrainingHistory(Path.TrimEndingDirectorySeparator(dir), run, finished, epochs);
    }

    private sealed record SavedEpochs(List<EpochMetrics>? Epochs);
}
