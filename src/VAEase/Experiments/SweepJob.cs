using System.Globalization;
using VAEase.Models;

namespace VAEase.Experiments;

/// <summary>One process of a sweep: `vaease train` of one member, or `vaease sweep train` of several that share a pass.</summary>
/// <param name="Name">A name for its log file.</param>
/// <param name="Args">The arguments of `vaease`.</param>
/// <param name="Members">The members it trains.</param>
public sealed record SweepJob(string Name, IReadOnlyList<string> Args, IReadOnlyList<MemberStatus> Members)
{
    /// <summary>The job as one shell line, `vaease ...` with every argument quoted where the shell would split or expand it.</summary>
    public string CommandLine => string.Join(' ', ["vaease", .. Args.Select(ShellQuote)]);

    /// <summary>The job of one member: `vaease train --config DIR/config.json --out DIR` for a planned member, `vaease train
    /// --resume --out DIR` for a started one.</summary>
    public static SweepJob Solo(MemberStatus status, SweepOptions options)
    {
        if (status.State == MemberState.Finished) throw new ArgumentException($"{status.Dir} has finished: nothing to train", nameof(status));
        string dir = Path.GetFullPath(status.Dir);
        IEnumerable<string> args = status.State == MemberState.Planned
            ? ["train", "--config", Path.Combine(dir, Training.ModelStore.ConfigFile), "--out", dir]
            : ["train", "--resume", "--out", dir];
        return new SweepJob(status.Member.Folder.Replace(Path.DirectorySeparatorChar, '-'), [.. args, .. RunArgs(options)], [status]);
    }

    /// <summary>The job of several members trained on one pass over their shared data: `vaease sweep train DIR...`.</summary>
    public static SweepJob Shared(string name, IReadOnlyList<MemberStatus> members, SweepOptions options) =>
        new(name, ["sweep", "train", .. members.Select(m => Path.GetFullPath(m.Dir)), .. RunArgs(options)], members);

    /// <summary>The options of every member process: its threads and, off the CPU, its device.</summary>
    private static IEnumerable<string> RunArgs(SweepOptions options) =>
        ["--threads", options.ThreadsPerJob.ToString(CultureInfo.InvariantCulture), .. options.Device == "cpu" ? Array.Empty<string>() : ["--device", options.Device]];

    /// <summary>The argument as the shell reads it back: as it is when it holds only safe characters, else in single quotes.</summary>
    public static string ShellQuote(string arg) =>
        arg.Length > 0 && arg.All(c => char.IsAsciiLetterOrDigit(c) || "-_./=:,+@%".Contains(c)) ? arg : $"'{arg.Replace("'", "'\\''")}'";
}
