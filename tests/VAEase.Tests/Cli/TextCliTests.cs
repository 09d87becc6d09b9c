using System.Text.Json;
using VAEase.Tests.Data;
using VAEase.Tests.Plotting;

namespace VAEase.Tests.Cli;

public sealed class TextCliTests
{
    [Fact]
    public void Table3_quick_on_a_hand_made_llm_act_set_labels_the_paper_column_and_the_report_ranks_tokens()
    {
        using var temp = new TempFolder();
        string root = temp.Path;
        TextFixture.UseLite(Path.Combine(root, "data"), sentences: 60);
        var env = new Dictionary<string, string> { ["VAEASE_DATA_DIR"] = Path.Combine(root, "data") };
        string runs = Path.Combine(root, "runs"), json = Path.Combine(root, "t3.json");

        var table = CliProcess.Run(env, "reproduce", "table3", "--data", "llm-act", "--quick", "--models", "vaease,sae-topk", "--out", runs, "--json", json);

        Assert.True(table.ExitCode == 0, table.Stderr);
        Assert.Contains("DIFFERENT DATASET (LLM-Act: Pythia-70m", table.Stdout);
        Assert.Matches(@"(?m)^vaease\s+300\s+2\s+2\s", table.Stdout);   // kappa 300, 2 epochs of 1 step each
        Assert.Matches(@"(?m)^sae-topk\s+300\s+2\s+2\s.*\s45\.1\s+30\.0$", table.Stdout);
        using (var doc = JsonDocument.Parse(File.ReadAllText(json)))
        {
            JsonElement model = doc.RootElement.GetProperty("models")[1];
            Assert.Equal(30, model.GetProperty("config").GetProperty("model").GetProperty("top_k").GetInt32());
            Assert.Equal(30, model.GetProperty("results").GetProperty("samples").GetInt64()); // tokens of test sentences 9, 19, ..., 59
            Assert.True(doc.RootElement.GetProperty("versions").TryGetProperty("torchsharp", out _));
        }

        string report = Path.Combine(root, "top.md");
        var top = CliProcess.Run(env, "report", "top-activations", "--model", Path.Combine(runs, "llm-act-quick", "sae-topk-seed1"),
            "--latents", "3", "--k", "2", "--out", report);

        Assert.True(top.ExitCode == 0, top.Stderr);
        string md = File.ReadAllText(report);
        Assert.Equal(3, md.Split("## Latent ").Length - 1);
        Assert.Contains("of 30 rows", md);                           // the default data: the model's test split
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(md, @"\| 1 \| \d+\.\d{3} \| `▁w(\d+)_(\d)` \| [^\n]*\*\*w\1\\_\2\*\*"), md);
    }

    [Fact]
    public void A_report_on_data_without_row_metadata_is_a_one_line_error()
    {
        using var temp = new TempFolder();
        string root = temp.Path;
        var r = CliProcess.Run("report", "top-activations", "--model", Path.Combine(root, "m"), "--data", "npy:acts.npy", "--out", Path.Combine(root, "x.md"));

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--data 'npy:acts.npy': top-activation reports need a text set with row metadata", r.Stderr);
        Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.False(File.Exists(Path.Combine(root, "x.md")));
    }
}
