using System.Diagnostics;
using System.Globalization;
using VAEase.IO;

namespace VAEase.Benchmarks;

/// <summary>The same training step in PyTorch (bench/reference.py) in a child process, so that the bench
/// can interleave its timings with ours and report a ratio on the same machine state.</summary>
public sealed class PyTorchReference : IDisposable
{
    private readonly Process process;

    private PyTorchReference(Process process) => this.process = process;

    /// <summary>Null with the reason when python3 with torch is not installed.</summary>
    public static string? Unavailable(string script)
    {
        if (!File.Exists(script)) return $"{script} not found";
        try
        {
            using var probe = Process.Start(new ProcessStartInfo("python3", ["-c", "import torch; print(torch.__version__)"])
            { RedirectStandardOutput = true, RedirectStandardError = true })!;
            probe.WaitForExit();
            return probe.ExitCode == 0 ? null : "python3 cannot import torch (apt-get install python3-torch)";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "python3 not found";
        }
    }

    /// <summary>PyTorch's version, as python3 reports it.</summary>
    public static string Version()
    {
        using var probe = Process.Start(new ProcessStartInfo("python3", ["-c", "import torch; print(torch.__version__)"]) { RedirectStandardOutput = true })!;
        string version = probe.StandardOutput.ReadToEnd().Trim();
        probe.WaitForExit();
        return version;
    }

    public static PyTorchReference Start(string script, BenchConfig config, int threads)
    {
        var m = config.Model;
        string json = Json.Serialize(new
        {
            kind = Json.Name(m.Kind), input_dim = m.InputDim, latent = m.Latent, encoder = Json.Name(m.Encoder), decoder = Json.Name(m.Decoder),
            variance_bound = Json.Name(m.VarianceBound), log_gamma_init = m.LogGammaInit, top_k = m.TopK, m.L1, m.L2, log_eps = m.LogEps,
            batch_size = config.BatchSize, learning_rate = config.LearningRate, threads,
        });
        var start = new ProcessStartInfo("python3", [script, json])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = false, UseShellExecute = false,
        };
        var process = Process.Start(start) ?? throw new VAEaseException("could not start python3");
        string? ready = process.StandardOutput.ReadLine();
        if (ready != "ready") throw new VAEaseException($"bench/reference.py did not start (it said: {ready ?? "nothing"})");
        return new PyTorchReference(process);
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
