using System.Diagnostics;
using VAEase.IO;
using VAEase.Training;
using static TorchSharp.torch;

namespace VAEase.Cli;

/// <summary>A training stage of a multi-stage experiment (`reproduce table4`, `reproduce id-unions`): each
/// stage keeps its run in its own folder, so a second invocation reuses what finished and resumes what was
/// interrupted.</summary>
internal static class Stage
{
    /// <summary>Runs <paramref name="train"/> (its argument: resume) unless <paramref name="dir"/> holds the finished
    /// run of this config; resumes an unfinished run of the same config; refuses a folder holding another run.</summary>
    public static void Run<T>(string name, string dir, string configFile, T config, string doneFile, Dictionary<string, double> seconds,
        Action<bool> train) where T : class
    {
        string configPath = Path.Combine(dir, configFile);
        bool same = File.Exists(configPath) && Json.Read<T>(configPath).Equals(config);
        if (same && File.Exists(Path.Combine(dir, doneFile)))
        {
            Console.Error.WriteLine($"{name}: reusing the finished run in {dir}");
            return;
        }
        if (!same && Directory.Exists(dir) && Directory.EnumerateFileSystemEntries(dir).Any())
            throw new VAEaseException($"{dir} holds a {name} run with other settings (use another --out)");
        var stageClock = Stopwatch.StartNew();
        train(same);
        seconds[name] = stageClock.Elapsed.TotalSeconds;
    }

    /// <summary>Training options of a stage: its progress bar on stderr, Ctrl-C stops at the next step.</summary>
    public static TrainOptions Options(Device device, bool resume, string label, CancellationToken token) =>
        new() { Device = device, Resume = resume, Progress = new ProgressBar(label), Cancellation = token };
}
