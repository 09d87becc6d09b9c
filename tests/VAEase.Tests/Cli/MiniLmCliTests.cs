using System.Text.Json;
using VAEase.Tests.Plotting;
using VAEase.Tests.Text;

namespace VAEase.Tests.Cli;

public sealed class MiniLmCliTests
{
    [Fact]
    public void A_model_trained_on_minilm_act_is_evaluated_downstream_in_print_and_json()
    {
        using var temp = new TempFolder();
        MiniLmFixture.Harvest(Path.Combine(temp.Path, "data"));
        var env = new Dictionary<string, string> { ["VAEASE_DATA_DIR"] = Path.Combine(temp.Path, "data") };
        string model = temp.File("topk"), json = temp.File("eval.json");

        var train = CliProcess.Run(env, "train", "--model", "sae-topk", "--data", "minilm-act", "--epochs", "2", "--threads", "1", "--out", model);
        var eval = CliProcess.Run(env, "eval", "--model", model, "--threads", "1", "--json", json);

        Assert.True(train.ExitCode == 0, train.Stderr);
        Assert.Contains("kappa = 225", train.Stderr);
        Assert.True(eval.ExitCode == 0, eval.Stderr);
        Assert.Matches(@"downstream   layer 3 of all-MiniLM-L6-v2 replaced on 2 held-out sentences", eval.Stdout);
        Assert.Contains("fidelity recovered", eval.Stdout);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        JsonElement downstream = doc.RootElement.GetProperty("downstream");
        Assert.Equal(2, downstream.GetProperty("sentences").GetInt32());
        double cos = downstream.GetProperty("cos_model").GetDouble(), mean = downstream.GetProperty("cos_mean").GetDouble();
        Assert.Equal((cos - mean) / (1 - mean), downstream.GetProperty("fidelity_recovered").GetDouble(), 9);
    }

    [Fact]
    public void Table3_quick_on_minilm_emb_uses_the_embedding_recipe_and_the_text_emb_reference_column()
    {
        using var temp = new TempFolder();
        MiniLmFixture.Harvest(Path.Combine(temp.Path, "data"));
        var env = new Dictionary<string, string> { ["VAEASE_DATA_DIR"] = Path.Combine(temp.Path, "data") };

        var table = CliProcess.Run(env, "reproduce", "table3", "--data", "minilm-emb", "--quick", "--models", "sae-topk", "--threads", "1", "--out", temp.File("runs"));

        Assert.True(table.ExitCode == 0, table.Stderr);
        Assert.Contains("all-MiniLM-L6-v2 sentence embeddings (d = 384)", table.Stdout);
        Assert.Contains("DIFFERENT DATASET (Text-Emb: ModernBERT", table.Stdout);
        Assert.Matches(@"(?m)^sae-topk\s+256\s", table.Stdout);
    }

    [Fact]
    public void An_empty_text_file_is_a_one_line_error_before_any_work()
    {
        using var temp = new TempFolder();
        File.WriteAllText(temp.File("empty.txt"), "\n  \n");

        var r = CliProcess.Run("data", "install", "minilm-act", "--text", temp.File("empty.txt"), "--to", temp.File("root"));

        CliProcess.AssertUsageError(r, "empty.txt: no sentences (the file is empty or blank");
        Assert.False(Directory.Exists(temp.File("root")) && Directory.EnumerateFileSystemEntries(temp.File("root")).Any());
    }

    [Fact]
    public void An_over_long_sentence_stops_the_install_with_exit_code_2_and_leaves_no_shard()
    {
        using var temp = new TempFolder();
        File.WriteAllLines(temp.File("text.txt"), [.. MiniLmFixture.Sentences.Take(12), string.Join(' ', Enumerable.Repeat("word", 40))]);

        var r = CliProcess.Run("data", "install", "minilm-act", "--text", temp.File("text.txt"), "--max-tokens", "32", "--threads", "1", "--to", temp.File("root"));

        Assert.Equal(2, r.ExitCode);
        string last = r.Stderr.TrimEnd('\n').Split('\n')[^1];
        Assert.StartsWith("error: text.txt:13: the sentence has more than 32 tokens", last);
        Assert.Empty(Directory.EnumerateFileSystemEntries(temp.File("root")));
    }
}
