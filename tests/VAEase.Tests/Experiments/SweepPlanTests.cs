using VAEase.Experiments;
using VAEase.IO;
using VAEase.Models;
using VAEase.Tests.Plotting;
using VAEase.Training;

namespace VAEase.Tests.Experiments;

public sealed class SweepPlanTests
{
    static SweepConfig Quick(params long[] seeds) => new() { Data = "demo-linear", Quick = true, Seeds = seeds.Length == 0 ? [1] : seeds };

    static string[] Folders(IEnumerable<SweepMember> members) => [.. members.Select(m => m.Folder.Replace('\\', '/'))];

    [Fact]
    public void The_quick_grid_ladders_each_knob_once_either_side_of_its_recipe_value()
    {
        IReadOnlyList<SweepMember> members = SweepPlan.Members(Quick());

        // demo-linear is the union 2+3+5 in R^20: the recipe's k is the largest piece, 5; lambda1 1e-3 (SAE-l1, SAE-log); lambda 0.1 (JumpReLU).
        Assert.Equal(
        [
            "sae-topk/k=3", "sae-topk/k=5", "sae-topk/k=10",
            "sae-batchtopk/k=3", "sae-batchtopk/k=5", "sae-batchtopk/k=10",
            "sae-l1/l1=0.0001", "sae-l1/l1=0.001", "sae-l1/l1=0.01",
            "sae-log/l1=0.0001", "sae-log/l1=0.001", "sae-log/l1=0.01",
            "sae-jumprelu/l0=0.01", "sae-jumprelu/l0=0.1", "sae-jumprelu/l0=1",
            "vaease/seed=1", "vae/seed=1",
        ], Folders(members));
        Assert.All(members, m => Assert.Equal((SweepConfig.QuickEpochs, 0, 1L), (m.Run.Training.Epochs, m.Run.Training.RestartPeriod, m.Run.Training.Seed)));
        Assert.Equal([3, 5, 10], members.Where(m => m.Kind == ModelKind.SaeBatchTopK).Select(m => m.Run.Model.TopK));
        Assert.Equal([0.01, 0.1, 1], members.Where(m => m.Kind == ModelKind.SaeJumpRelu).Select(m => m.Run.Model.L0));
        Assert.All(members, m => Assert.Equal((20, "linear:d=20,dims=2+3+5,n=60000,seed=1"), (m.Run.Model.InputDim, m.Run.Data))); // canonical: runs from any folder
    }

    [Fact]
    public void The_full_grid_steps_k_by_root_2_within_the_latents_and_the_penalties_by_root_10()
    {
        var sweep = new SweepConfig { Data = "demo-linear", Models = [ModelKind.SaeTopK, ModelKind.SaeL1] };
        IReadOnlyList<SweepMember> members = SweepPlan.Members(sweep);

        // 5 * 2^(j/2), j = -4..4, rounded half away from zero, within kappa = 20: 1.25 1.77 2.5 3.54 5 7.07 10 14.1 20.
        Assert.Equal([1, 2, 3, 4, 5, 7, 10, 14, 20], members.Where(m => m.Kind == ModelKind.SaeTopK).Select(m => (int)m.Value));
        // 1e-3 * 10^(j/2), j = -3..3, to 3 significant digits.
        Assert.Equal([3.16e-5, 1e-4, 3.16e-4, 1e-3, 3.16e-3, 1e-2, 3.16e-2], members.Where(m => m.Kind == ModelKind.SaeL1).Select(m => m.Run.Model.L1));
        Assert.Equal("sae-l1/l1=3.16e-05", Folders(members)[9]);
        Assert.All(members, m => Assert.Equal(150, m.Run.Training.Epochs)); // the recipe's
    }

    [Fact]
    public void A_whole_ladder_is_clamped_to_its_range_and_keeps_each_value_once() =>
        Assert.Equal([1, 3, 5, 10, 20], Ladder.Whole(5, 2, 3, 1, 20)); // 0.625 1.25 2.5 5 10 20 40

    [Fact]
    public void The_vae_family_takes_one_member_per_seed_and_the_sae_grids_the_first_seed()
    {
        var sweep = Quick(7, 8) with { Models = [ModelKind.SaeTopK, ModelKind.VAEase], Epochs = 2 };
        IReadOnlyList<SweepMember> members = SweepPlan.Members(sweep);

        Assert.Equal(["sae-topk/k=3", "sae-topk/k=5", "sae-topk/k=10", "vaease/seed=7", "vaease/seed=8"], Folders(members));
        Assert.Equal([7L, 7, 7, 7, 8], members.Select(m => m.Run.Training.Seed));
        Assert.All(members, m => Assert.Equal(2, m.Run.Training.Epochs));
    }

    [Fact]
    public void Preparing_writes_each_config_and_sees_finished_started_and_planned_members()
    {
        using var folder = new TempFolder();
        IReadOnlyList<SweepMember> members = SweepPlan.Members(Quick() with { Models = [ModelKind.SaeTopK] });
        IReadOnlyList<MemberStatus> first = SweepPlan.Prepare(folder.Path, members);
        Assert.All(first, s => Assert.Equal(MemberState.Planned, s.State));
        Assert.Equal(members[1].Run, Json.Read<RunConfig>(Path.Combine(first[1].Dir, ModelStore.ConfigFile)));

        File.WriteAllText(Path.Combine(first[0].Dir, ModelStore.WeightsFile), "weights");
        File.WriteAllText(Path.Combine(first[0].Dir, Trainer.MetricsFile), "{}");
        Directory.CreateDirectory(Path.Combine(first[1].Dir, "checkpoint"));
        IReadOnlyList<MemberStatus> again = SweepPlan.Prepare(folder.Path, members);

        Assert.Equal([MemberState.Finished, MemberState.Started, MemberState.Planned], again.Select(s => s.State));
        Assert.Equal("weights", File.ReadAllText(Path.Combine(first[0].Dir, ModelStore.WeightsFile))); // reused, not touched
    }

    [Fact]
    public void A_member_folder_of_other_settings_is_refused_before_anything_is_written()
    {
        using var folder = new TempFolder();
        IReadOnlyList<SweepMember> members = SweepPlan.Members(Quick() with { Models = [ModelKind.SaeTopK] });
        RunConfig other = members[2].Run with { Training = members[2].Run.Training with { Epochs = 9 } };
        Directory.CreateDirectory(Path.Combine(folder.Path, members[2].Folder));
        Json.Write(Path.Combine(folder.Path, members[2].Folder, ModelStore.ConfigFile), other);

        var e = Assert.Throws<VAEaseException>(() => SweepPlan.Prepare(folder.Path, members));
        Assert.Contains("training.epochs: 9 → 3", e.Message);
        Assert.Equal(["k=10"], Directory.GetDirectories(Path.Combine(folder.Path, "sae-topk")).Select(Path.GetFileName));
    }

    [Fact]
    public void The_plan_trains_planned_members_from_their_config_resumes_started_ones_and_skips_finished_ones()
    {
        using var folder = new TempFolder();
        IReadOnlyList<SweepMember> members = SweepPlan.Members(Quick() with { Models = [ModelKind.SaeTopK] });
        string[] dirs = [.. SweepPlan.Prepare(folder.Path, members).Select(s => s.Dir)];
        File.WriteAllText(Path.Combine(dirs[0], ModelStore.WeightsFile), "");
        File.WriteAllText(Path.Combine(dirs[0], Trainer.MetricsFile), "{}");
        Directory.CreateDirectory(Path.Combine(dirs[1], "checkpoint"));
        var options = new SweepOptions { Jobs = 2 };

        IReadOnlyList<SweepJob> jobs = SweepJobs.OnePerMember(SweepPlan.Prepare(folder.Path, members), options);
        var (jobsFile, slurm) = SweepJobs.WritePlan(folder.Path, jobs, options);

        int threads = Math.Max(1, Environment.ProcessorCount / 2);
        Assert.Equal(
        [
            $"vaease train --resume --out {dirs[1]} --threads {threads}",
            $"vaease train --config {dirs[2]}/config.json --out {dirs[2]} --threads {threads}",
        ], File.ReadAllLines(jobsFile));
        string script = File.ReadAllText(slurm);
        Assert.Contains("#SBATCH --array=1-2\n", script);
        Assert.Contains($"#SBATCH --cpus-per-task={threads}\n", script);
        Assert.Contains($"sed -n \"${{SLURM_ARRAY_TASK_ID}}p\" {jobsFile}", script);
    }

    [Fact]
    public void Locally_planned_members_that_draw_the_same_batches_share_passes_dealt_over_the_jobs()
    {
        using var folder = new TempFolder();
        IReadOnlyList<SweepMember> members = SweepPlan.Members(Quick(1, 2) with { Models = [ModelKind.SaeTopK, ModelKind.SaeL1, ModelKind.VAEase] });
        IReadOnlyList<MemberStatus> statuses = SweepPlan.Prepare(folder.Path, members);
        Directory.CreateDirectory(Path.Combine(statuses[0].Dir, "checkpoint"));
        statuses = SweepPlan.Prepare(folder.Path, members);

        IReadOnlyList<SweepJob> jobs = SweepJobs.Local(statuses, new SweepOptions { Jobs = 2, Threads = 1 });

        // Seed 1: k=5, k=10, the three l1 and vaease seed 1 share the data, split, order and batch size; seed 2 draws others.
        Assert.Equal(["shared-1", "shared-2", "vaease-seed=2", "sae-topk-k=3"], jobs.Select(j => j.Name.Replace('\\', '-')));
        Assert.Equal(["sae-topk/k=5", "sae-l1/l1=0.0001", "sae-l1/l1=0.01"], Folders(jobs[0].Members.Select(m => m.Member)));
        Assert.Equal(["sweep", "train", statuses[1].Dir, statuses[3].Dir, statuses[5].Dir, "--threads", "1"], jobs[0].Args);
        Assert.Equal(["train", "--resume", "--out", statuses[0].Dir, "--threads", "1"], jobs[3].Args);
        Assert.Equal(8, SweepJobs.Local(statuses, new SweepOptions { Jobs = 2, SharedPass = false }).Count); // one per member
    }

    [Theory]
    [InlineData("/runs/sae-l1/l1=0.001", "/runs/sae-l1/l1=0.001")]
    [InlineData("/my runs/x", "'/my runs/x'")]
    [InlineData("it's", "'it'\\''s'")]
    [InlineData("", "''")]
    public void Job_lines_quote_what_the_shell_would_split_or_expand(string arg, string quoted) =>
        Assert.Equal(quoted, SweepJob.ShellQuote(arg));
}
