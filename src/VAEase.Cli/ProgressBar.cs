using System.Diagnostics;
using VAEase.Training;

namespace VAEase.Cli;

/// <summary>Training progress on stderr: a live bar on a terminal; on a log (CI, a file), one line
/// every 10 seconds and at the last step. The rate is measured over the last 10 seconds.</summary>
public sealed class ProgressBar(string label) : IProgress<TrainProgress>
{
    const double Window = 10;
    private readonly bool live = !Console.IsErrorRedirected;
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private readonly Queue<(double Time, long Step)> recent = new();
    private double lastPrint = double.NegativeInfinity;

    public void Report(TrainProgress p)
    {
        double now = clock.Elapsed.TotalSeconds;
        recent.Enqueue((now, p.Step));
        while (recent.Count > 2 && now - recent.Peek().Time > Window) recent.Dequeue();
        bool last = p.Step == p.TotalSteps;
        if (recent.Count < 2 || (!last && now - lastPrint < (live ? 0.25 : Window))) return;
        lastPrint = now;
        var (t0, s0) = recent.Peek();
        double stepsPerSecond = (p.Step - s0) / Math.Max(now - t0, 1e-9);
        double fraction = (double)p.Step / p.TotalSteps;
        TimeSpan eta = TimeSpan.FromSeconds((p.TotalSteps - p.Step) / Math.Max(stepsPerSecond, 1e-9));
        const int width = 24;
        int filled = (int)Math.Round(fraction * width);
        string gamma = p.LogGamma is { } g ? $" | log γ {g,7:F3}" : "";
        string latents = p.Latents is { } l ? $" | AD {l.ActiveDims,5:F1} dead {l.Dead}" + (l.Reopened > 0 ? $" reopened {l.Reopened}" : "") : "";
        string line = $"{label} epoch {p.Epoch}/{p.Epochs} [{new string('#', filled)}{new string('.', width - filled)}] {fraction,6:P1} " +
                      $"| {stepsPerSecond * p.BatchSize,8:F0} samples/s | loss {p.Loss,10:G4}{gamma}{latents} | lr {p.LearningRate:0.0e0} | ETA {eta:hh\\:mm\\:ss}";
        if (live) Console.Error.Write($"\r{line}\u001b[K{(last ? "\n" : "")}");
        else Console.Error.WriteLine(line);
    }
}
