using System.Diagnostics;
using VAEase.Evaluation;
using VAEase.Experiments;
using VAEase.IO;
using VAEase.Training;
using static TorchSharp.torch;

namespace VAEase.Benchmarks;

/// <summary>One level of the shared-pass benchmark: the members trained one by one against together, timed interleaved.</summary>
/// <param name="Level">"in-process" (<see cref="SharedPass.Train"/> of one member at a time against all at once, in this process) or
/// "processes" (one `vaease train` process per member against one `vaease sweep train` process).</param>
/// <param name="Members">Members trained per side.</param>
/// <param name="OneByOneSeconds">Wall time of each round's one-by-one side.</param>
/// <param name="SharedSeconds">Wall time of each round's shared side.</param>
/// <param name="Identical">Members whose weights came out byte for byte the same on both sides, in every round.</param>
public sealed record SharedPassRow(string Level, int Members, double[] OneByOneSeconds, double[] SharedSeconds, int Identical)
{
    /// <summary>Median one-by-one time over the median shared time: the speedup of the shared pass.</summary>
    public double Ratio => Summary.Of(OneByOneSeconds).Median / Summary.Of(SharedSeconds).Median;
}

/// <summary>`vaease bench shared-pass`: what training a sweep's members on one pass over their data saves against training them
/// one by one (each then reads, splits and draws its data, and as a process also starts the runtime and libtorch). Each round
/// times both sides back to back, in alternating order, on fresh folders; medians over the rounds are compared, and the
/// weights of the two sides are compared byte for byte.</summary>
public static class SharedPassBenchmark
{
    static readonly TimeSpan Quiesce = TimeSpan.FromMilliseconds(200);

    public static readonly string[] Levels = ["in-process", "processes"];

    /// <summary>Times every level over <paramref name="rounds"/> rounds with <paramref name="threads"/> libtorch threads per side.</summary>
    public static IReadOnlyList<SharedPassRow> Run(IReadOnlyList<SweepMember> members, IReadOnlyList<string> levels, int rounds, int threads, Device device, TextWriter progress)
    {
        if (members.Count < 2) throw new VAEaseException($"the shared pass needs at least 2 members, got {members.Count}");
        if (members.Select(m => SweepJobs.PassKey(m.Run)).Distinct().Count() != 1) throw new VAEaseException("the members do not draw the same batches");
        if (rounds < 1) throw new VAEaseException($"--rounds must be >= 1, got {rounds}");
        int before = get_num_threads();
        set_num_threads(threads);
        try
        {
            return [.. levels.Select(level => Level(level, members, rounds, threads, device, progress))];
        }
        finally
        {
            set_num_threads(before);
        }
    }

    private static SharedPassRow Level(string level, IReadOnlyList<SweepMember> members, int rounds, int threads, Device device, TextWriter progress)
    {
        var (oneByOne, shared) = (new List<double>(), new List<double>());
        var identical = Enumerable.Repeat(true, members.Count).ToArray();
        for (int round = 0; round < rounds; round++)
        {
            string root = Directory.CreateTempSubdirectory("vaease-sharedbench-").FullName;
            try
            {
                IReadOnlyList<MemberStatus> solo = Plan(Path.Combine(root, "one-by-one"), members), together = Plan(Path.Combine(root, "shared"), members);
                foreach (bool sharedSide in round % 2 == 0 ? new[] { false, true } : [true, false])
                {
                    Thread.Sleep(Quiesce);
                    var clock = Stopwatch.StartNew();
                    if (sharedSide) Train(level, together, threads, device);
                    else foreach (MemberStatus member in solo) Train(level, [member], threads, device);
                    (sharedSide ? shared : oneByOne).Add(clock.Elapsed.TotalSeconds);
                }
                for (int i = 0; i < members.Count; i++)
                    identical[i] &= File.ReadAllBytes(Path.Combine(solo[i].Dir, ModelStore.WeightsFile)).AsSpan()
                        .SequenceEqual(File.ReadAllBytes(Path.Combine(together[i].Dir, ModelStore.WeightsFile)));
            }
            finally
            {
                Directory.Delete(root, recursive: true);
            }
            progress.WriteLine($"{level} round {round + 1}/{rounds}: one by one {oneByOne[^1]:F2} s, shared {shared[^1]:F2} s");
        }
        return new SharedPassRow(level, members.Count, [.. oneByOne], [.. shared], identical.Count(same => same));
    }

    /// <summary>Each member's folder below <paramref name="root"/> holding its config.json, as a sweep plans it.</summary>
    private static IReadOnlyList<MemberStatus> Plan(string root, IReadOnlyList<SweepMember> members) => SweepPlan.Prepare(root, members);

    /// <summary>Trains the planned <paramref name="members"/> on one pass: here, or in one child process as a sweep runs it
    /// (`vaease train` for one member, `vaease sweep train` for several).</summary>
    private static void Train(string level, IReadOnlyList<MemberStatus> members, int threads, Device device)
    {
        if (level == "in-process")
        {
            SharedPass.Train([.. members.Select(m => m.Dir)], new TrainOptions { Device = device }, _ => { });
            return;
        }
        var options = new SweepOptions { Threads = threads };
        SweepJob job = members.Count == 1 ? SweepJob.Solo(members[0], options) : SweepJob.Shared("bench", members, options);
        var output = new StringWriter();
        if (ThisProgram.Run(job.Args, output) is var code and not 0)
            throw new VAEaseException($"`{job.CommandLine}` failed with exit code {code}: {output.ToString().Trim().Split('\n')[^1]}");
    }
}
