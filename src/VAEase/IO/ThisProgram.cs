using System.Diagnostics;
using VAEase.Training;

namespace VAEase.IO;

/// <summary>This program, the `vaease` CLI, started again as a child process (a sweep's member, a benchmark's run).</summary>
public static class ThisProgram
{
    /// <summary>The CLI assembly, beside the library (in the CLI's and the tests' output folders alike).</summary>
    public static string Assembly => Path.Combine(AppContext.BaseDirectory, "VAEase.Cli.dll");

    /// <summary>How to start `vaease` from a shell: the apphost this process runs as, or `dotnet` with the CLI assembly.</summary>
    public static IReadOnlyList<string> Command
    {
        get
        {
            string host = Environment.ProcessPath ?? "dotnet";
            return Path.GetFileNameWithoutExtension(host) == "dotnet" ? [host, Assembly] : [host];
        }
    }

    /// <summary>The start of `vaease <paramref name="args"/>` with its output redirected and the launcher's heap settings
    /// (<see cref="NativeHeap.Environment"/>) where the environment does not set them: as the `vaease` script does.</summary>
    public static ProcessStartInfo Start(IEnumerable<string> args)
    {
        IReadOnlyList<string> command = Command;
        var start = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string part in command.Skip(1).Concat(args)) start.ArgumentList.Add(part);
        foreach (var (name, value) in NativeHeap.Environment)
            if (!start.Environment.TryGetValue(name, out string? current) || string.IsNullOrEmpty(current)) start.Environment[name] = value;
        return start;
    }

    /// <summary>Runs `vaease <paramref name="args"/>` to its end, each line of its output and errors written to
    /// <paramref name="output"/> as it comes; returns its exit code.</summary>
    public static int Run(IEnumerable<string> args, TextWriter output)
    {
        using var process = new Process { StartInfo = Start(args) };
        DataReceivedEventHandler write = (_, e) =>
        {
            if (e.Data is null) return;
            lock (output) output.WriteLine(e.Data);
        };
        process.OutputDataReceived += write;
        process.ErrorDataReceived += write;
        if (!process.Start()) throw new VAEaseException($"could not start {Command[0]}");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.WaitForExit(); // also waits for the output handlers to drain
        return process.ExitCode;
    }
}
