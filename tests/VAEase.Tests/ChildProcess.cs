using System.Diagnostics;

namespace VAEase.Tests;

/// <summary>Runs a program as a child process and collects its exit code and output.</summary>
internal static class ChildProcess
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        /// <summary>For assertion messages: both streams.</summary>
        public override string ToString() => $"exit code {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
    }

    /// <summary>Runs <paramref name="file"/> with <paramref name="args"/>, extra environment variables and a working
    /// folder, and waits for it (see <see cref="Running.Wait"/>).</summary>
    public static Result Run(string file, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null,
        string? workingDirectory = null, TimeSpan? timeout = null)
    {
        using Running running = Start(file, args, environment, workingDirectory);
        return running.Wait(timeout);
    }

    /// <summary>Starts <paramref name="file"/> without waiting for it: to kill it, or to run a second one beside it.</summary>
    public static Running Start(string file, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null,
        string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (workingDirectory is not null) start.WorkingDirectory = workingDirectory;
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        foreach (string a in args) start.ArgumentList.Add(a);
        return new Running(Process.Start(start)!, $"{file} {string.Join(' ', args)}");
    }

    /// <summary>A process started by <see cref="Start"/>, its output collected as it runs.</summary>
    public sealed class Running : IDisposable
    {
        private readonly Process process;
        private readonly string commandLine;
        private readonly Task<string> stdout, stderr;

        public Running(Process process, string commandLine)
        {
            this.process = process;
            this.commandLine = commandLine;
            stdout = process.StandardOutput.ReadToEndAsync();
            stderr = process.StandardError.ReadToEndAsync();
        }

        public bool HasExited => process.HasExited;

        /// <summary>SIGKILL, as `kill -9`: no handler, no finally block runs.</summary>
        public Result Kill()
        {
            process.Kill();
            return Wait();
        }

        /// <summary>Waits for the exit and returns what it printed. <paramref name="timeout"/> (default 10 min) guards
        /// against hangs, it is not a speed limit: on a machine shared with training runs the conv smoke runs took over 3 min.</summary>
        public Result Wait(TimeSpan? timeout = null)
        {
            if (!process.WaitForExit(timeout ?? TimeSpan.FromMinutes(10)))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"{commandLine} did not finish");
            }
            return new Result(process.ExitCode, stdout.Result, stderr.Result);
        }

        public void Dispose()
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            process.Dispose();
        }
    }
}
