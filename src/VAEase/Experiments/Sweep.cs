using static TorchSharp.torch;

namespace VAEase.Experiments;

/// <summary>A sweep's plan on disk: its members and where each stands, and the jobs of the unfinished ones.</summary>
/// <param name="Members">Every member, in plan order.</param>
/// <param name="Jobs">One `vaease train` per unfinished member (the lines of <paramref name="JobsFile"/>).</param>
/// <param name="JobsFile">DIR/plan/jobs.txt.</param>
/// <param name="SlurmFile">DIR/plan/slurm.sh; null when nothing is left to train.</param>
public sealed record SweepPlanned(IReadOnlyList<MemberStatus> Members, IReadOnlyList<SweepJob> Jobs, string JobsFile, string? SlurmFile);

/// <summary>A sweep run on this machine: its plan, how its jobs ended, and the results gathered after them.</summary>
public sealed record SweepOutcome(SweepPlanned Plan, IReadOnlyList<JobOutcome> Jobs, SweepResults Results);

/// <summary>`vaease sweep`: the sparsity-error frontier of every family on one data set (<see cref="SweepPlan"/>). Each member is
/// a normal run folder, trained by a normal `vaease train` (or several at once on a shared pass), so a sweep can be planned
/// here, trained anywhere (DIR/plan/jobs.txt, slurm.sh), and gathered here (<see cref="SweepReport"/>). Finished members are
/// reused, started ones resumed, and a folder of other settings is never overwritten.</summary>
public static class Sweep
{
    /// <summary>Writes the plan into <paramref name="root"/>: every member's folder with its config.json, DIR/plan/jobs.txt and
    /// DIR/plan/slurm.sh.</summary>
    public static SweepPlanned Plan(SweepConfig config, string root, SweepOptions options)
    {
        options.Validate();
        IReadOnlyList<MemberStatus> members = SweepPlan.Prepare(root, SweepPlan.Members(config));
        IReadOnlyList<SweepJob> jobs = SweepJobs.OnePerMember(members, options);
        var (jobsFile, slurmFile) = SweepJobs.WritePlan(root, jobs, options);
        return new SweepPlanned(members, jobs, jobsFile, jobs.Count > 0 ? slurmFile : null);
    }

    /// <summary>Plans, trains the unfinished members here (<see cref="SweepJobs.Local"/>, <see cref="SweepOptions.Jobs"/>
    /// processes at once), and gathers what has finished, evaluated on <paramref name="device"/>. A failed job leaves its
    /// members out of the results and is reported in <see cref="SweepOutcome.Jobs"/>.</summary>
    public static SweepOutcome Run(SweepConfig config, string root, SweepOptions options, Device device, TextWriter progress, CancellationToken cancellation)
    {
        SweepPlanned plan = Plan(config, root, options);
        IReadOnlyList<SweepJob> jobs = SweepJobs.Local(plan.Members, options);
        progress.WriteLine($"{plan.Members.Count} members in {root}: {plan.Members.Count(m => m.State == MemberState.Finished)} finished, " +
                           $"{plan.Members.Count(m => m.State == MemberState.Started)} to resume, {plan.Members.Count(m => m.State == MemberState.Planned)} to train; " +
                           $"{jobs.Count} jobs, {options.Jobs} at a time, {options.ThreadsPerJob} thread{(options.ThreadsPerJob == 1 ? "" : "s")} each");
        IReadOnlyList<JobOutcome> outcomes = SweepRunner.Run(jobs, options, Path.Combine(root, SweepJobs.PlanFolder, "logs"), progress, cancellation);
        cancellation.ThrowIfCancellationRequested();
        return new SweepOutcome(plan, outcomes, SweepReport.Write(root, device, progress));
    }
}
