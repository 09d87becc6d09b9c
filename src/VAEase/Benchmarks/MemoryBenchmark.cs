using System.Globalization;
using System.Text.Json;
using VAEase.Data;
using VAEase.IO;
using VAEase.Models;
using VAEase.Training;

namespace VAEase.Benchmarks;

/// <summary>One memory measurement: a child `vaease train` of the LM-activation configuration for one epoch.</summary>
/// <param name="Mode">"in-memory" (the file loaded) or "stream" (--stream with the default shuffle buffer).</param>
/// <param name="FileBytes">Size of the .npy file trained on.</param>
/// <param name="Rows">Its rows n (d = 512).</param>
/// <param name="PeakRssBytes">The child's VmHWM at the end of training (data loading and normalisation included).</param>
/// <param name="Steps">Optimiser steps of the epoch.</param>
/// <param name="SecondsPerStep">Training-loop wall time per step (data reads included, loading excluded).</param>
public sealed record MemoryRow(string Mode, long FileBytes, long Rows, long PeakRssBytes, long Steps, double SecondsPerStep);

/// <summary>Peak RSS of training the LM-activation configuration (issue 3 item 4, issue 6 item 2): on a d = 512 float32
/// file loaded into memory, and streamed from disk. Each run is its own process, so each VmHWM is its own peak.</summary>
public static class MemoryBenchmark
{
    public const int Dim = 512;

    public static readonly string[] Modes = ["in-memory", "stream"];

    /// <summary>Writes an activation-like file of about <paramref name="megabytes"/> MiB chunk by chunk (never whole in memory):
    /// a union of 8 linear subspaces of dimension 32 in R^512 (<see cref="SyntheticUnion.WriteLinearUnion"/>).</summary>
    public static void WriteData(string path, long megabytes)
    {
        long rows = megabytes * (1L << 20) / (Dim * sizeof(float));
        if (rows < 4096) throw new VAEaseException($"--memory-mb {megabytes} makes {rows} rows; give at least 8");
        SyntheticUnion.WriteLinearUnion(path, Dim, [.. Enumerable.Repeat(32, 8)], rows, seed: 1);
    }

    /// <summary>Trains the LM-activation configuration for one epoch on <paramref name="dataPath"/> in a child `vaease`
    /// with the launcher's heap settings, and reads its metrics.json.</summary>
    public static MemoryRow Measure(string dataPath, string mode, int? threads)
    {
        if (!Modes.Contains(mode)) throw new ArgumentException($"unknown mode '{mode}'", nameof(mode));
        BenchConfig lm = BenchConfig.Standard(ModelKind.VAEase).Single(c => c.Name == "lm-activations");
        var (rows, dim) = MatrixSources.NpyShape(dataPath);
        if (dim != Dim) throw new VAEaseException($"{dataPath}: the memory bench trains the LM-activation config, d = {Dim}; the file has d = {dim}");
        var run = new RunConfig
        {
            Data = $"npy:{dataPath}", Model = lm.Model,
            Training = new TrainConfig { Epochs = 1, BatchSize = lm.BatchSize, LearningRate = lm.LearningRate, CheckpointEvery = 0, RestartPeriod = 0 },
            Stream = mode == "stream" ? new StreamConfig() : null,
        };
        string dir = Directory.CreateTempSubdirectory("vaease-membench-").FullName;
        try
        {
            string config = Path.Combine(dir, "run.json"), outDir = Path.Combine(dir, "out");
            Json.Write(config, run);
            List<string> args = ["train", "--config", config, "--out", outDir];
            if (threads is { } t) args.AddRange(["--threads", t.ToString(CultureInfo.InvariantCulture)]);
            RunChild(args);
            using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, Trainer.MetricsFile)));
            JsonElement root = metrics.RootElement;
            long steps = root.GetProperty("steps").GetInt64();
            return new MemoryRow(mode, new FileInfo(dataPath).Length, rows, root.GetProperty("peak_rss_bytes").GetInt64(), steps,
                root.GetProperty("seconds").GetDouble() / steps);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Runs this program (the `vaease` CLI) with <paramref name="args"/>; its last error line is the exception on failure.</summary>
    private static void RunChild(IReadOnlyList<string> args)
    {
        var output = new StringWriter();
        int exitCode = ThisProgram.Run(args, output);
        if (exitCode != 0)
        {
            string last = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "";
            throw new VAEaseException($"memory bench: `vaease {string.Join(' ', args)}` failed with exit code {exitCode}: {last}");
        }
    }
}
