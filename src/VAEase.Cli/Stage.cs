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

    /// <summary>The config of a run: the one saved in <paramref name="outDir"/> when resuming, else a new one
    /// for an empty (or new) folder.</summary>
    internal static T ConfigOfRun<T>(string outDir, bool resume, string configFile, Func<T> fresh)
    {
        if (resume)
        {
            string path = Path.Combine(outDir, configFile);
            if (!File.Exists(path)) throw new VAEaseException($"nothing to resume in {outDir} ({configFile} is missing)");
            return Json.Read<T>(path);
        }
        if (Directory.Exists(outDir) && Directory.EnumerateFileSystemEntries(outDir).Any())
            throw new VAEaseException($"output folder {outDir} is not empty (use a new folder, or --resume to continue the run in it)");
        return fresh();
    }
}
