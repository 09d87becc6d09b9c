using System.Text.Json;
using VAEase.Evaluation;
using VAEase.Experiments;
using VAEase.IO;
using VAEase.Models;
using VAEase.Tests.Plotting;

namespace VAEase.Tests.Experiments;

public sealed class SweepReportTests
{
    /// <summary>A member's folder as a finished run leaves it for the report: metrics.json and eval.json beside its config.</summary>
    static void Finish(MemberStatus member, double l0, double fvu)
    {
        bool vaeFamily = member.Member.Run.Model.IsVariational;
        var report = new EvalReport
        {
            Samples = 600, L0 = l0, Fvu = fvu, MeanActiveDims = l0 - 0.5, DeadFraction = 0.25, DenseFraction = 0.5,
            FvuRule = "the FVU rule", L0Rule = vaeFamily ? "active dims" : "nonzero code entries",
        };
        Json.Write(Path.Combine(member.Dir, VAEase.Training.Trainer.MetricsFile), new { steps = 159, seconds = 2.5 });
        Json.Write(Path.Combine(member.Dir, EvalFile.Name), new EvalFile(member.Dir, member.Member.Run.Data, "held-out", member.Member.Run, VAEase.Training.Versions.All, report));
    }

    [Fact]
    public void The_report_gathers_finished_members_and_reads_each_sae_frontier_at_vaeases_mean_point()
    {
        using var folder = new TempFolder();
        var sweep = new SweepConfig { Data = "demo-linear", Quick = true, Seeds = [1, 2], Models = [ModelKind.SaeTopK, ModelKind.SaeL1, ModelKind.VAEase, ModelKind.Vae] };
        Dictionary<string, MemberStatus> m = SweepPlan.Prepare(folder.Path, SweepPlan.Members(sweep)).ToDictionary(s => s.Member.Folder.Replace('\\', '/'));
        Finish(m["sae-topk/k=3"], 3, 0.4);
        Finish(m["sae-topk/k=5"], 5, 0.2);
        Finish(m["sae-topk/k=10"], 10, 0.1);
        Finish(m["sae-l1/l1=0.0001"], 16, 0.05);
        Finish(m["sae-l1/l1=0.001"], 12, 0.1);
        Finish(m["sae-l1/l1=0.01"], 8, 0.3);
        Finish(m["vaease/seed=1"], 3, 0.1);
        Finish(m["vaease/seed=2"], 5, 0.2);
        Finish(m["vae/seed=1"], 10, 0.2); // vae/seed=2 is only planned

        SweepResults results = SweepReport.Write(folder.Path, TorchSharp.torch.CPU);

        Assert.Equal(["linear:d=20,dims=2+3+5,n=60000,seed=1"], results.Data);
        Assert.Equal(["vae/seed=2"], results.Unfinished.Select(u => u.Replace('\\', '/')));
        Assert.Equal(["sae-topk", "sae-topk", "sae-topk", "sae-l1", "sae-l1", "sae-l1", "vaease", "vaease", "vae"], results.Members.Select(r => r.Family));
        Assert.Equal((4, 0.15, 2), (results.Vaease!.L0, Math.Round(results.Vaease.Fvu, 12), results.VaeaseSeeds)); // the mean over its seeds
        Assert.Equal(("active dims", "nonzero code entries", "the FVU rule"), (results.L0Definitions["vae"], results.L0Definitions["sae-topk"], results.FvuDefinition));

        // sae-topk at L0 4: between (3, 0.4) and (5, 0.2), t = ln(4/3) / ln(5/3). FVU 0.15: between (5, 0.2) and (10, 0.1), halfway: 5 sqrt 2.
        FrontierGapRow topk = results.Gap.Single(g => g.Family == "sae-topk");
        Assert.Equal(0.4 - 0.2 * Math.Log(4.0 / 3) / Math.Log(5.0 / 3), topk.FvuAtL0.Value!.Value, 12);
        Assert.Equal(5 * Math.Sqrt(2), topk.L0AtFvu.Value!.Value, 9);
        // sae-l1 spans L0 8 to 16: nothing at 4; FVU 0.15 between (8, 0.3) and (12, 0.1), 3/4 of the way: 8 * 1.5^0.75.
        FrontierGapRow l1 = results.Gap.Single(g => g.Family == "sae-l1");
        Assert.Equal("out of range (L0 8–16 swept)", l1.FvuAtL0.Text);
        Assert.Equal(8 * Math.Pow(1.5, 0.75), l1.L0AtFvu.Value!.Value, 9);
        Assert.DoesNotContain(results.Gap, g => g.Family is "vaease" or "vae");

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder.Path, SweepReport.ResultsFile)));
        JsonElement written = json.RootElement.GetProperty("results");
        Assert.Equal(9, written.GetProperty("members").GetArrayLength());
        JsonElement first = written.GetProperty("members")[6];
        Assert.Equal(("vaease", "seed", 3.0, 0.1, 2.5, 0.25), (first.GetProperty("family").GetString(), first.GetProperty("knob").GetString(),
            first.GetProperty("l0").GetDouble(), first.GetProperty("fvu").GetDouble(), first.GetProperty("ad").GetDouble(), first.GetProperty("dead_fraction").GetDouble()));
        Assert.Equal("the FVU rule", written.GetProperty("fvu_definition").GetString());
        Assert.Equal(5 * Math.Sqrt(2), written.GetProperty("gap")[0].GetProperty("l0_at_fvu").GetProperty("value").GetDouble(), 9);
        using var png = Png.Decode(Path.Combine(folder.Path, SweepReport.FrontierFile));
        Assert.Equal((800, 500), (png.Width, png.Height));
    }

    [Fact]
    public void Without_a_vaease_member_there_is_no_gap_table_and_an_empty_folder_is_no_sweep()
    {
        using var folder = new TempFolder();
        Assert.Contains("no sweep", Assert.Throws<VAEaseException>(() => SweepReport.Write(folder.Path, TorchSharp.torch.CPU)).Message);
        var sweep = new SweepConfig { Data = "demo-linear", Quick = true, Models = [ModelKind.SaeTopK] };
        IReadOnlyList<MemberStatus> members = SweepPlan.Prepare(folder.Path, SweepPlan.Members(sweep));
        Finish(members[0], 3, 0.4);

        SweepResults results = SweepReport.Write(folder.Path, TorchSharp.torch.CPU);

        Assert.Null(results.Vaease);
        Assert.Empty(results.Gap);
        Assert.Equal(2, results.Unfinished.Count);
    }
    [Theory]
    [InlineData("llm-act:split=train", "the set's own test split (llm-act:split=test)")]
    [InlineData("text-emb", "the set's own test split (text-emb:split=test)")]
    [InlineData("mnist:split=train", "the set's own test split (mnist:split=test)")]
    [InlineData("mnist:split=all", "held-out test split (10 %, seed 1)")]
    [InlineData("glove", "held-out test split (10 %, seed 1)")]
    [InlineData("demo-linear", "held-out test split (10 %, seed 1)")]
    public void A_members_eval_json_names_the_split_it_was_evaluated_on(string data, string split)
    {
        // RunData.HeldOut evaluates a training split of llm-act or text-emb on the set's own test split (held-out sentences), as
        // it does an image set's: eval.json said "held-out test split (10 %, seed 1)" for those.
        var run = VAEase.Training.Recipes.For(ModelKind.SaeTopK, "demo-linear") with { Data = data };
        Assert.Equal(split, EvalFile.SplitOf(run, data, testSplit: true, rows: 100));
        Assert.Equal("all rows", EvalFile.SplitOf(run, data, testSplit: false, rows: 100));
    }
}
