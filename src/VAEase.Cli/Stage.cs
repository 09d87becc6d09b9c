using System.Diagnostics;
using VAEase.IO;

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
        bool same = Experiments.RunFolder.HoldsRun(dir, configFile, config, name);
        if (same && File.Exists(Path.Combine(dir, doneFile)))
        {
            Console.Error.WriteLine($"{name}: reusing the finished run in {dir}");
            return;
        }
        var stageClock = Stopwatch.StartNew();
        train(same);
        seconds[name] = stageClock.Elapsed.TotalSeconds;
    }

    /// <summary>The config of a run: the one saved in <paramref name="outDir"/> when resuming, else a new one for an
    /// empty (or new) folder, or one that holds only a failed run's files, which go (said on stderr). Call it holding
    /// the folder's <see cref="Training.RunLock"/>.</summary>
    internal static T ConfigOfRun<T>(string outDir, bool resume, Training.RunFiles files, Func<T> fresh)
    {
        if (resume)
        {
            string path = Path.Combine(outDir, files.ConfigFile);
            if (!File.Exists(path)) throw new VAEaseException($"nothing to resume in {outDir} ({files.ConfigFile} is missing)");
            return Json.Read<T>(path);
        }
        if (files.ClearForNewRun(outDir)) Console.Error.WriteLine($"replacing the failed run in {outDir} (it left no results and no checkpoint)");
        return fresh();
    }
}
