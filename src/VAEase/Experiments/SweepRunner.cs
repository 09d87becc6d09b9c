using System.Diagnostics;

namespace VAEase.Experiments;

/// <summary>How one job of a sweep ended.</summary>
/// <param name="Job">The job.</param>
/// <param name="ExitCode">Its process's exit code (0: done).</param>
/// <param name="Seconds">Its wall time.</param>
/// <param name="Log">Its output and errors.</param>
public sealed record JobOutcome(SweepJob Job, int ExitCode, double Seconds, string Log);

/// <summary>Runs a sweep's jobs on this machine as `vaease` child processes, <see cref="SweepOptions.Jobs"/> at a time, each
/// job's output in its log file.</summary>
public static class SweepRunner
{
    /// <summary>Runs every job (a failed one does not stop the others) and returns how each ended, in job order. After
    /// <paramref name="cancellation"/> no further job starts; the running ones, which got the same Ctrl+C, checkpoint and stop.</summary>
    public static IReadOnlyList<JobOutcome> Run(IReadOnlyList<SweepJob> jobs, SweepOptions options, string logDir, TextWriter progress,
        CancellationToken cancellation)
    {
        Directory.CreateDirectory(logDir);
        var outcomes = new JobOutcome?[jobs.Count];
        int next = -1;
        void Worker()
        {
            for (int i = Interlocked.Increment(ref next); i < jobs.Count && !cancellation.IsCancellationRequested; i = Interlocked.Increment(ref next))
            {
                JobOutcome outcome = RunOne(jobs[i], Path.Combine(logDir, jobs[i].Name + ".log"));
                outcomes[i] = outcome;
                string members = string.Join(", ", jobs[i].Members.Select(m => m.Member.Folder));
                lock (progress)
                    progress.WriteLine(outcome.ExitCode == 0 ? $"trained {members} ({outcome.Seconds:F1} s)"
                        : $"failed (exit code {outcome.ExitCode}): {members}; see {outcome.Log}");
            }
        }
        Task[] workers = [.. Enumerable.Range(0, Math.Min(options.Jobs, Math.Max(1, jobs.Count))).Select(_ => Task.Factory.StartNew(Worker, TaskCreationOptions.LongRunning))];
        foreach (Task worker in workers) worker.GetAwaiter().GetResult(); // a worker's exception as it is, not wrapped
        return [.. outcomes.OfType<JobOutcome>()];
    }

    /// <summary>Runs one job to its end, its command line, stdout and stderr written to <paramref name="log"/>.</summary>
    private static JobOutcome RunOne(SweepJob job, string log)
    {
        var clock = Stopwatch.StartNew();
        using var writer = new StreamWriter(log, append: false) { AutoFlush = true };
        writer.WriteLine(job.CommandLine);
        int exitCode = IO.ThisProgram.Run(job.Args, writer);
        return new JobOutcome(job, exitCode, clock.Elapsed.TotalSeconds, log);
    }
}
