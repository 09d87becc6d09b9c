namespace VAEase.Tests.Cli;

/// <summary>Runs the real `vaease` program (the CLI assembly beside the tests) as a child process.</summary>
internal static class CliProcess
{
    /// <summary>Asserts a user error: exit code 2 and one line on stderr, "error: ..." containing the fragment.</summary>
    public static void AssertUsageError(ChildProcess.Result result, string expectedFragment)
    {
        Assert.Equal(2, result.ExitCode);
        string message = result.Stderr.TrimEnd('\n');
        Assert.DoesNotContain('\n', message);
        Assert.StartsWith("error: ", message);
        Assert.Contains(expectedFragment, message);
    }

    public static ChildProcess.Result Run(params string[] args) => Run(new Dictionary<string, string>(), args);

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
    public static ChildProcess.Result Run(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        using ChildProcess.Running running = Start(environment, args);
        return running.Wait();
    }

    /// <summary>Starts vaease without waiting for it: to kill it, or to run a second one beside it.</summary>
    public static ChildProcess.Running Start(params string[] args) => Start(new Dictionary<string, string>(), args);

    private static ChildProcess.Running Start(IReadOnlyDictionary<string, string> environment, string[] args)
    {
        var variables = new Dictionary<string, string>(environment);
        foreach (var (name, value) in VAEase.Training.NativeHeap.Environment) variables[name] = value; // as the launcher does
        return ChildProcess.Start("dotnet", [Path.Combine(AppContext.BaseDirectory, "VAEase.Cli.dll"), .. args], variables);
    }
}
