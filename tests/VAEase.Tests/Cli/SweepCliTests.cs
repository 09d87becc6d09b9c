using System.Text.Json;
using VAEase.Tests.Plotting;

namespace VAEase.Tests.Cli;

public sealed class SweepCliTests
{
    const string Data = "linear:d=8,dims=2+3,n=3000,seed=4"; // 3 steps per epoch

    [Fact]
    public void A_quick_sweep_trains_evaluates_and_draws_the_frontier_then_reuses_its_finished_members()
    {
        using var folder = new TempFolder();
        string root = folder.Path;
        string[] args = ["sweep", "--quick", "--data", Data, "--models", "sae-topk,sae-l1,vaease", "--jobs", "2", "-o", root];
        var first = CliProcess.Run(args);
        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.Contains("7 members in", first.Stderr);
        Assert.Contains("2 jobs, 2 at a time, 1 thread each", first.Stderr);
        Assert.Contains("FVU at VAEase's L0", first.Stdout);
        Assert.Matches(@"sae-topk\s+k=6\s+1\s+\d", first.Stdout);
        using (var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "results.json"))))
        {
            JsonElement results = doc.RootElement.GetProperty("results");
            Assert.Equal(7, results.GetProperty("members").GetArrayLength());
            Assert.Equal(2, results.GetProperty("gap").GetArrayLength());
            Assert.Empty(results.GetProperty("unfinished").EnumerateArray());
        }
        Assert.True(File.Exists(Path.Combine(root, "frontier.png")));
        Assert.True(File.Exists(Path.Combine(root, "sae-l1", "l1=0.001", "eval.json")));
        Assert.DoesNotContain("evaluated ", first.Stderr); // the shared pass wrote each eval.json: the report evaluates nothing again
        Assert.Contains("sweep train", File.ReadAllLines(Path.Combine(root, "plan", "logs", "shared-1.log"))[0]);
        Assert.Equal(7, File.ReadAllLines(Path.Combine(root, "plan", "jobs.txt")).Length); // the plan for elsewhere: one member a line
        string weights = Path.Combine(root, "sae-topk", "k=2", "model.safetensors");
        DateTime written = File.GetLastWriteTimeUtc(weights);

        var second = CliProcess.Run(args);
        Assert.True(second.ExitCode == 0, second.Stderr);
        Assert.Contains("7 finished, 0 to resume, 0 to train; 0 jobs", second.Stderr);
        Assert.Equal(written, File.GetLastWriteTimeUtc(weights));
        Assert.Empty(File.ReadAllLines(Path.Combine(root, "plan", "jobs.txt")));
    }

    [Fact]
    public void A_planned_sweep_runs_its_job_lines_anywhere_and_the_report_gathers_what_has_finished()
    {
        using var folder = new TempFolder();
        string root = folder.Path;
        var plan = CliProcess.Run("sweep", "--plan-only", "--quick", "--data", Data, "--models", "sae-topk", "--threads", "1", "-o", root);
        Assert.True(plan.ExitCode == 0, plan.Stderr);
        Assert.Contains("planned 3 members", plan.Stdout);
        string[] lines = File.ReadAllLines(Path.Combine(root, "plan", "jobs.txt"));
        Assert.Equal(3, lines.Length);
        Assert.Contains("#SBATCH --array=1-3", File.ReadAllText(Path.Combine(root, "plan", "slurm.sh")));

        var job = CliProcess.Run(lines[1].Split(' ')[1..]); // vaease train --config .../k=3/config.json --out .../k=3 --threads 1
        Assert.True(job.ExitCode == 0, job.Stderr);
        var report = CliProcess.Run("sweep", "report", "-o", root, "--threads", "1");
        Assert.True(report.ExitCode == 0, report.Stderr);
        Assert.Contains("1 finished, 2 not yet", report.Stdout);
        Assert.Contains("no finished VAEase member", report.Stdout);
        Assert.True(File.Exists(Path.Combine(root, "sae-topk", "k=3", "eval.json")));

        var again = CliProcess.Run("sweep", "--plan-only", "--quick", "--data", Data, "--models", "sae-topk", "--threads", "1", "-o", root);
        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.Equal(2, File.ReadAllLines(Path.Combine(root, "plan", "jobs.txt")).Length); // the finished member is not planned again

        CliProcess.AssertUsageError(CliProcess.Run("sweep", "--plan-only", "--quick", "--data", Data, "--models", "sae-topk", "--epochs", "5", "-o", root),
            "holds a training run with other settings (training.epochs: 3 → 5)");
        CliProcess.AssertUsageError(CliProcess.Run([.. lines[0].Split(' ')[1..], "--epochs", "4"]), "holds a training run with other settings (training.epochs: 3 → 4)");
    }
}
