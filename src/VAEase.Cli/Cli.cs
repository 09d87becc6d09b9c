using System.CommandLine;
using VAEase.Training;

namespace VAEase.Cli;

/// <summary>The top of the CLI: parse, run one library call, and turn user errors into one line on
/// stderr with exit code 2.</summary>
public static class Cli
{
    public const int UsageError = 2;
    public const int Interrupted = 130;

    public static int Run(Command root, string[] args)
    {
        ParseResult parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            var names = new List<string>();
            for (var result = parsed.CommandResult; result is not null; result = result.Parent as System.CommandLine.Parsing.CommandResult)
                names.Insert(0, result.Command.Name);
            string command = string.Join(' ', names);
            // An unknown word explains more than what it left missing.
            var first = parsed.Errors.FirstOrDefault(e => e.Message.StartsWith("Unrecognized", StringComparison.Ordinal)) ?? parsed.Errors[0];
            Console.Error.WriteLine($"error: {OneLine(first.Message)} (see `{command} --help`)");
            return UsageError;
        }
        try
        {
            return parsed.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (UserMessage(e) is { } message)
        {
            Console.Error.WriteLine($"error: {message}");
            return UsageError;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("interrupted: a checkpoint was written; continue with the same command and --resume");
            return Interrupted;
        }
    }

    private static string? UserMessage(Exception e) => e switch
    {
        VAEaseException v => OneLine(v.Message),
        ArgumentException a when a.ParamName is not null => OneLine($"invalid {Naming.Option(a.ParamName)}: {a.Message.Split(" (Parameter")[0]}"),
        IOException io => OneLine(io.Message),
        UnauthorizedAccessException ua => OneLine(ua.Message),
        _ => null,
    };

    /// <summary>The message on one line, with control characters (a path may hold them) escaped.</summary>
    private static string OneLine(string text) => IO.Printable.Escape(text);

    /// <summary>Training options of a command: a progress bar with this label on stderr, Ctrl+C stops at the next step.</summary>
    public static TrainOptions TrainOptions(TorchSharp.torch.Device device, string label, CancellationToken token, bool resume = false) =>
        new() { Device = device, Resume = resume, Progress = new ProgressBar(label), Cancellation = token };

    /// <summary>Runs the command body with Ctrl+C turned into a cancellation (the trainer checkpoints and stops).</summary>
    public static int WithCancellation(Func<CancellationToken, int> body)
    {
        using var cts = new CancellationTokenSource();
        ConsoleCancelEventHandler handler = (_, e) => { e.Cancel = true; cts.Cancel(); };
        Console.CancelKeyPress += handler;
        try { return body(cts.Token); }
        finally { Console.CancelKeyPress -= handler; }
    }

    /// <summary>Prints where results went, with the versions, for the log.</summary>
    public static void Footer(string what) =>
        Console.Error.WriteLine($"{what} (vaease {Versions.All["vaease"]}, TorchSharp {Versions.All["torchsharp"]}, {Versions.All["threads"]} threads)");
}
