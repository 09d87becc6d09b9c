using System.Diagnostics;

namespace VAEase.Tests.Cli;

/// <summary>Runs the real `vaease` program (the CLI assembly beside the tests) as a child process.</summary>
internal static class CliProcess
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    /// <summary>Asserts a user error: exit code 2 and one line on stderr, "error: ..." containing the fragment.</summary>
    public static void AssertUsageError(Result result, string expectedFragment)
    {
        Assert.Equal(2, result.ExitCode);
        string message = result.Stderr.TrimEnd('\n');
        Assert.DoesNotContain('\n', message);
        Assert.StartsWith("error: ", message);
        Assert.Contains(expectedFragment, message);
    }

    public static Result Run(params string[] args) => Run(new Dictionary<string, string>(), args);

    /// <summary>Trains each model on <paramref name="data"/> for 3 epochs with 6 latents into root/MODEL; returns those folders.</summary>
    public static string[] TrainSmall(string root, string data, params string[] models) =>
        [.. models.Select(model =>
        {
            string dir = Path.Combine(root, model);
            var train = Run("train", "--model", model, "--data", data, "--epochs", "3", "--latent", "6", "--out", dir);
            Assert.True(train.ExitCode == 0, train.Stderr);
            return dir;
        })];

    /// <summary>As <see cref="Run(string[])"/>, with extra environment variables for the child.</summary>
    public static Result Run(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        using Running running = Start(environment, args);
        return running.Wait();
    }

    /// <summary>Starts vaease without waiting for it: to kill it, or to run a second one beside it.</summary>
    public static Running Start(params string[] args) => Start(new Dictionary<string, string>(), args);

    private static Running Start(IReadOnlyDictionary<string, string> environment, string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var (name, value) in environment) start.Environment[name] = value;
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "VAEase.Cli.dll"));
        foreach (var (name, value) in VAEase.Training.NativeHeap.Environment) start.Environment[name] = value; // as the launcher does
        foreach (string a in args) start.ArgumentList.Add(a);
        return new Running(Process.Start(start)!, args);
    }

    /// <summary>A vaease process started by <see cref="Start(string[])"/>, its output collected as it runs.</summary>
    public sealed class Running : IDisposable
    {
        private readonly Process process;
        private readonly string[] args;
        private readonly Task<string> stdout, stderr;

        public Running(Process process, string[] args)
        {
            this.process = process;
            this.args = args;
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

        /// <summary>Waits for the exit and returns what it printed.</summary>
        public Result Wait()
        {
            // A guard against hangs, not a speed limit: on a machine shared with training runs the conv smoke runs took over 3 min.
            if (!process.WaitForExit(TimeSpan.FromMinutes(10)))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"vaease {string.Join(' ', args)} did not finish");
            }
            return new Result(process.ExitCode, stdout.Result, stderr.Result);
        }

        public void Dispose()
        {
            if (!process.HasExited) process.Kill();
            process.Dispose();
        }
    }
}
