using System.Diagnostics;
using System.Globalization;
using VAEase.IO;

namespace VAEase.Benchmarks;

/// <summary>The same training step in PyTorch (bench/reference.py) in a child process, so that the bench
/// can interleave its timings with ours and report a ratio on the same machine state.</summary>
public sealed class PyTorchReference : IDisposable
{
    private readonly Process process;

    private PyTorchReference(Process process, int threads)
    {
        this.process = process;
        Threads = threads;
    }

    /// <summary>PyTorch's intra-op threads, the faster of 1 and the bench's count (OpenBLAS always gets the bench's count).</summary>
    public int Threads { get; }

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

    public static PyTorchReference Start(string python, string script, BenchConfig config, int threads)
    {
        var m = config.Model;
        string json = Json.Serialize(new
        {
            kind = Json.Name(m.Kind), input_dim = m.InputDim, latent = m.Latent, encoder = Json.Name(m.Encoder), decoder = Json.Name(m.Decoder),
            variance_bound = Json.Name(m.VarianceBound), log_gamma_init = m.LogGammaInit, top_k = m.TopK, m.L1, m.L2, log_eps = m.LogEps,
            batch_size = config.BatchSize, learning_rate = config.LearningRate, threads,
        });
        var start = new ProcessStartInfo(python, [script, json])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = false, UseShellExecute = false,
            Environment = { ["OPENBLAS_NUM_THREADS"] = threads.ToString(CultureInfo.InvariantCulture) },
        };
        var process = Process.Start(start) ?? throw new VAEaseException("could not start python3");
        string[] ready = (process.StandardOutput.ReadLine() ?? "").Split(' ');
        if (ready.Length != 2 || ready[0] != "ready") throw new VAEaseException($"bench/reference.py did not start (it said: {string.Join(' ', ready)})");
        return new PyTorchReference(process, int.Parse(ready[1], CultureInfo.InvariantCulture));
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
