using System.Text;
using VAEase.Data;
using VAEase.IO;
using VAEase.Training;

namespace VAEase.Experiments;

/// <summary>The jobs that train a sweep's unfinished members: one `vaease train` per member (the plan, DIR/plan/jobs.txt, an
/// array job on a cluster), or on this machine the members that draw the same batches together in `vaease sweep train`
/// processes.</summary>
public static class SweepJobs
{
    /// <summary>The plan's folder below the sweep's: jobs.txt, slurm.sh and the jobs' logs.</summary>
    public const string PlanFolder = "plan";

    /// <summary>One job per unfinished member, in plan order.</summary>
    public static IReadOnlyList<SweepJob> OnePerMember(IReadOnlyList<MemberStatus> members, SweepOptions options) =>
        [.. members.Where(m => m.State != MemberState.Finished).Select(m => SweepJob.Solo(m, options))];

    /// <summary>The jobs of this machine. With <see cref="SweepOptions.SharedPass"/>, the planned members that draw the same
    /// batches (<see cref="PassKey"/>) are dealt round-robin into as many shared jobs as there are <see cref="SweepOptions.Jobs"/>
    /// (fewer for a small group), so that the processes run side by side; started members resume alone, as they may stand at
    /// different steps.</summary>
    public static IReadOnlyList<SweepJob> Local(IReadOnlyList<MemberStatus> members, SweepOptions options)
    {
        if (!options.SharedPass) return OnePerMember(members, options);
        var jobs = new List<SweepJob>();
        var pending = members.Where(m => m.State != MemberState.Finished).ToList();
        foreach (var group in pending.Where(m => m.State == MemberState.Planned).GroupBy(m => PassKey(m.Member.Run)))
        {
            List<MemberStatus> all = [.. group];
            int parts = Math.Min(options.Jobs, all.Count);
            for (int p = 0; p < parts; p++)
            {
                List<MemberStatus> part = [.. all.Where((_, i) => i % parts == p)];
                jobs.Add(part.Count == 1 ? SweepJob.Solo(part[0], options) : SweepJob.Shared($"shared-{jobs.Count + 1}", part, options));
            }
        }
        jobs.AddRange(pending.Where(m => m.State == MemberState.Started).Select(m => SweepJob.Solo(m, options)));
        return jobs;
    }

    /// <summary>What makes two runs draw the same batches from the same rows: the data, its held-out split, the
    /// normalisation, streaming, the seed (split and order) and the batch size.</summary>
    public static string PassKey(RunConfig run) =>
        Json.Serialize(new { data = DataSpec.Canonical(run.Data), run.Training.TestFraction, run.Training.Seed, run.Training.BatchSize, run.Stream, run.Normalize });

    /// <summary>Writes DIR/plan/jobs.txt (one `vaease train` line per unfinished member) and, when there is one, DIR/plan/slurm.sh:
    /// a Slurm array whose task i runs line i. Returns the two paths.</summary>
    public static (string Jobs, string Slurm) WritePlan(string root, IReadOnlyList<SweepJob> jobs, SweepOptions options)
    {
        string plan = Path.Combine(root, PlanFolder), jobsPath = Path.Combine(plan, "jobs.txt"), slurmPath = Path.Combine(plan, "slurm.sh");
        Directory.CreateDirectory(Path.Combine(plan, "logs"));
        AtomicFile.WriteAllText(jobsPath, string.Concat(jobs.Select(j => j.CommandLine + "\n")));
        if (jobs.Count == 0) File.Delete(slurmPath); // nothing to run: an old script would run stale lines
        else AtomicFile.WriteAllText(slurmPath, SlurmScript(Path.GetFullPath(jobsPath), Path.GetFullPath(slurmPath), jobs.Count, options.ThreadsPerJob));
        return (jobsPath, slurmPath);
    }

    /// <summary>The Slurm array script: task i runs line i of jobs.txt with `vaease` this build (unless one is on PATH) and
    /// the launcher's heap settings.</summary>
    public static string SlurmScript(string jobsPath, string slurmPath, int count, int threads)
    {
        string logs = Path.Combine(Path.GetDirectoryName(jobsPath)!, "logs");
        var script = new StringBuilder()
            .Append("#!/usr/bin/env bash\n")
            .Append($"# The {count} jobs of {jobsPath}, one array task each (task i runs line i). Submit: sbatch {SweepJob.ShellQuote(slurmPath)}\n")
            .Append("# A job that stopped part-way: `vaease sweep --plan-only` again writes it as `vaease train --resume`.\n")
            .Append("#SBATCH --job-name=vaease-sweep\n")
            .Append($"#SBATCH --array=1-{count}\n")
            .Append($"#SBATCH --cpus-per-task={threads}\n")
            .Append($"#SBATCH --output={logs}/slurm-%A_%a.log\n")
            .Append("set -euo pipefail\n")
            .Append("if ! command -v vaease >/dev/null; then\n")
            .Append($"  vaease() {{ {string.Join(' ', ThisProgram.Command.Select(SweepJob.ShellQuote))} \"$@\"; }}\n")
            .Append("fi\n");
        foreach (var (name, value) in NativeHeap.Environment) script.Append($"export {name}=\"${{{name}:-{value}}}\"\n");
        return script
            .Append($"line=\"$(sed -n \"${{SLURM_ARRAY_TASK_ID}}p\" {SweepJob.ShellQuote(jobsPath)})\"\n")
            .Append("eval \"$line\"\n")
            .ToString();
    }
}
