using System.CommandLine;
using VAEase.Benchmarks;

namespace VAEase.Cli;

/// <summary>The memory section of `vaease bench`: peak RSS of training the LM-activation config in memory and streamed.</summary>
public static class BenchMemory
{
    internal static readonly Option<int> Megabytes = new("--memory-mb") { Description = "size of the generated d = 512 file the memory section trains on, MiB (0: skip the section)", DefaultValueFactory = _ => 256 };
    internal static readonly Option<string> Modes = new("--memory-modes") { Description = "in-memory, stream (comma-separated)", DefaultValueFactory = _ => "in-memory,stream" };
    internal static readonly Option<string> File = new("--memory-file") { Description = "train on this d = 512 .npy file (written there with --memory-mb MiB, and kept, if missing) instead of a temp file" };
    internal static readonly Option<bool> Only = new("--memory-only") { Description = "run only the memory section" };

    public static IEnumerable<Option> Options => [Megabytes, Modes, File, Only];

    /// <summary>--memory-only: the section alone, its rows written to <paramref name="jsonPath"/> if given.</summary>
    public static int RunOnly(ParseResult parse, string? jsonPath)
    {
        IReadOnlyList<MemoryRow> rows = Run(parse) ?? throw new VAEaseException("--memory-only with --memory-mb 0 and no --memory-file measures nothing");
        if (jsonPath is not null)
        {
            IO.Json.Write(jsonPath, new { command = "bench", versions = Training.Versions.All, memory = rows });
            Console.Error.WriteLine($"wrote {jsonPath}");
        }
        return 0;
    }

    /// <summary>Runs the section and prints its table; null when skipped.</summary>
    public static IReadOnlyList<MemoryRow>? Run(ParseResult parse)
    {
        int megabytes = parse.GetValue(Megabytes);
        string? given = parse.GetValue(File);
        if (megabytes < 0) throw new VAEaseException($"--memory-mb must be >= 0, got {megabytes}");
        if (megabytes == 0 && given is null) return null;
        string[] modes = Naming.ParseList(parse.GetValue(Modes)!, "--memory-modes",
            mode => MemoryBenchmark.Modes.Contains(mode) ? mode : throw new VAEaseException($"unknown memory mode '{mode}' (expected: {string.Join(", ", MemoryBenchmark.Modes)})"));
        string path = given is not null ? Path.GetFullPath(given) : Path.Combine(Path.GetTempPath(), $"vaease-membench-{Environment.ProcessId}.npy");
        bool generated = !System.IO.File.Exists(path);
        if (generated)
        {
            Console.Error.WriteLine($"memory: writing {megabytes} MiB of d = {MemoryBenchmark.Dim} rows to {path}");
            MemoryBenchmark.WriteData(path, megabytes);
        }
        try
        {
            Console.WriteLine($"{"memory",-11}{"file MiB",10}{"rows",10}{"peak RSS MiB",14}{"RSS / file",12}{"steps",7}{"s/step",8}");
            var rows = new List<MemoryRow>();
            foreach (string mode in modes)
            {
                MemoryRow row = MemoryBenchmark.Measure(path, mode, parse.GetValue(TrainCommand.Threads));
                rows.Add(row);
                Console.WriteLine($"{row.Mode,-11}{row.FileBytes / 1048576.0,10:F0}{row.Rows,10}{row.PeakRssBytes / 1048576.0,14:F0}{(double)row.PeakRssBytes / row.FileBytes,12:F2}{row.Steps,7}{row.SecondsPerStep,8:F3}");
            }
            Console.WriteLine("memory: LM-activation config (vaease, one-layer encoder, d 512, kappa 300, batch 2048), one epoch per child process; " +
                              "peak RSS = the child's VmHWM at the end of training");
            return rows;
        }
        finally
        {
            if (generated && given is null) System.IO.File.Delete(path);
        }
    }
}
