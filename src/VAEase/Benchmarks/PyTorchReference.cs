using System.Diagnostics;
using System.Globalization;
using VAEase.IO;
using VAEase.Networks;

namespace VAEase.Benchmarks;

/// <summary>The same training step in PyTorch (bench/reference.py) in a child process, so that the bench
/// can interleave its timings with ours and report a ratio on the same machine state.</summary>
public sealed class PyTorchReference : IDisposable
{
    private readonly Process process;

    private PyTorchReference(Process process, int threads, long parameters, double flops)
    {
        this.process = process;
        Threads = threads;
        Parameters = parameters;
        Flops = flops;
    }

    /// <summary>PyTorch's intra-op threads: the faster of 1 and the bench's count, or the bench's count for a
    /// slow step (OpenBLAS always gets the bench's count).</summary>
    public int Threads { get; }

    /// <summary>Trainable parameters of the reference's model: must equal ours.</summary>
    public long Parameters { get; }

    /// <summary>FLOPs of one step counted from the layers PyTorch ran: must equal <see cref="Training.StepCost.Flops"/>.</summary>
    public double Flops { get; }

    /// <summary>The environment the reference runs in besides OPENBLAS_NUM_THREADS: the native-heap settings
    /// of the `vaease` launcher (<see cref="Training.NativeHeap.Environment"/>), or the values this process
    /// was started with, so that both sides allocate alike. (PyTorch 1.13 has no THP_MEM_ALLOC_ENABLE; it is
    /// passed but ignored there.)</summary>
    public static IReadOnlyDictionary<string, string> HeapEnvironment =>
        Training.NativeHeap.Environment.ToDictionary(e => e.Key, e => Environment.GetEnvironmentVariable(e.Key) is { Length: > 0 } own ? own : e.Value);

    /// <summary>The interpreter that has Debian's python3-torch: the system python3, not one on PATH
    /// (a pyenv or venv python3 usually lacks torch).</summary>
    public static string DefaultPython => File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

    /// <summary>PyTorch's version, or null with the reason when the interpreter cannot import torch.</summary>
    public static (string? Version, string? Problem) Probe(string python, string script)
    {
        if (!File.Exists(script)) return (null, $"{script} not found");
        try
        {
            using var probe = Process.Start(new ProcessStartInfo(python, ["-c", "import torch; print(torch.__version__)"])
            { RedirectStandardOutput = true, RedirectStandardError = true })!;
            string version = probe.StandardOutput.ReadToEnd().Trim();
            probe.WaitForExit();
            return probe.ExitCode == 0 ? (version, null) : (null, $"{python} cannot import torch (apt-get install python3-torch)");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return (null, $"{python} not found");
        }
    }

    /// <summary>Starts the reference of a configuration and waits until it has warmed up.</summary>
    /// <param name="python">The interpreter (<see cref="DefaultPython"/>).</param>
    /// <param name="script">bench/reference.py.</param>
    /// <param name="config">The configuration, whose model the script mirrors.</param>
    /// <param name="threads">The bench's thread count.</param>
    /// <param name="dataFile">The IDX images the step reads (as <see cref="StepBenchmark.DataFile"/>), or null for random data.</param>
    /// <param name="warmup">Steps to run before it reports ready; a slow step also skips the probe of thread counts.</param>
    /// <param name="mkldnn">PyTorch's oneDNN switch (torch.backends.mkldnn.enabled); null keeps PyTorch's default (on).</param>
    public static PyTorchReference Start(string python, string script, BenchConfig config, int threads, string? dataFile, int warmup, bool? mkldnn)
    {
        var settings = Settings(config);
        settings["threads"] = threads;
        settings["probe_threads"] = !config.SlowStep;
        settings["warmup"] = warmup;
        settings["mkldnn"] = mkldnn;
        settings["data_file"] = dataFile;
        string json = Json.Serialize(settings);
        var start = new ProcessStartInfo(python, [script, json])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = false, UseShellExecute = false,
            Environment = { ["OPENBLAS_NUM_THREADS"] = threads.ToString(CultureInfo.InvariantCulture) },
        };
        foreach (var (key, value) in HeapEnvironment) start.Environment[key] = value;
        var process = Process.Start(start) ?? throw new VAEaseException("could not start python3");
        string[] ready = (process.StandardOutput.ReadLine() ?? "").Split(' ');
        if (ready.Length != 4 || ready[0] != "ready")
        {
            if (!process.HasExited) process.Kill();
            process.Dispose();
            throw new VAEaseException($"bench/reference.py did not start (it said: {string.Join(' ', ready)})");
        }
        return new PyTorchReference(process, int.Parse(ready[1], CultureInfo.InvariantCulture), long.Parse(ready[2], CultureInfo.InvariantCulture),
            double.Parse(ready[3], CultureInfo.InvariantCulture));
    }

    /// <summary>Parameter count and step FLOPs of each configuration's model as the reference builds it
    /// (<c>reference.py --describe</c>): one interpreter for all, no training.</summary>
    public static IReadOnlyList<(long Parameters, double Flops)> Describe(string python, string script, IReadOnlyList<BenchConfig> configs)
    {
        var start = new ProcessStartInfo(python, [script, "--describe", Json.Serialize(configs.Select(Settings))])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        using var process = Process.Start(start) ?? throw new VAEaseException("could not start python3");
        string[] lines = process.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0 || lines.Length != configs.Count)
            throw new VAEaseException($"bench/reference.py --describe failed: {errors.Trim().Split('\n').LastOrDefault()}");
        return lines.Select(line => line.Split(' ')).Select(f => (long.Parse(f[0], CultureInfo.InvariantCulture), double.Parse(f[1], CultureInfo.InvariantCulture))).ToArray();
    }

    /// <summary>The model, data and optimiser settings the script mirrors.</summary>
    private static Dictionary<string, object?> Settings(BenchConfig config)
    {
        var m = config.Model;
        return new Dictionary<string, object?>
        {
            ["kind"] = Json.Name(m.Kind), ["input_dim"] = m.InputDim, ["latent"] = m.Latent, ["encoder"] = Json.Name(m.Encoder),
            ["decoder"] = Json.Name(m.Decoder), ["variance_bound"] = Json.Name(m.VarianceBound), ["log_gamma_init"] = m.LogGammaInit,
            ["top_k"] = m.TopK, ["l1"] = m.L1, ["l2"] = m.L2, ["log_eps"] = m.LogEps, ["l0"] = m.L0, ["jump_bandwidth"] = m.JumpBandwidth,
            ["jump_threshold"] = m.JumpThreshold, ["batch_size"] = config.BatchSize,
            ["learning_rate"] = config.LearningRate, ["data"] = config.ImageSet is null ? "normal" : "uniform",
            ["bf16"] = config.Precision == MatmulPrecision.BFloat16,
        };
    }

    /// <summary>Runs <paramref name="steps"/> steps in PyTorch and returns their wall time in seconds.</summary>
    public double Run(int steps)
    {
        process.StandardInput.WriteLine(steps.ToString(CultureInfo.InvariantCulture));
        process.StandardInput.Flush();
        string line = process.StandardOutput.ReadLine() ?? throw new VAEaseException("bench/reference.py stopped");
        return double.Parse(line, CultureInfo.InvariantCulture);
    }

    public void Dispose()
    {
        try
        {
            process.StandardInput.Close();
            if (!process.WaitForExit(5000)) process.Kill();
        }
        finally
        {
            process.Dispose();
        }
    }
}
