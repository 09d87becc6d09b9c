using VAEase.Data;
using VAEase.Tests.Plotting;

namespace VAEase.Tests.Data;

public sealed class TextSetTests
{
    [Fact]
    public void A_harvest_folder_loads_by_split_with_one_row_per_token_and_its_sentence_as_context()
    {
        using var temp = new TempFolder();
        string folder = TextFixture.UseLite(temp.Path, sentences: 20, dim: 8);

        using Dataset test = TextSets.LoadFrom("llm-act", folder, "test", "llm-act:split=test");
        using Dataset all = TextSets.LoadFrom("llm-act", folder, "all", "llm-act:split=all");
        var rows = TextRows.Load("llm-act", folder, "test");

        Assert.Equal(4 + 6, test.Count); // sentences 9 (3 + 9 % 4 = 4 tokens) and 19 (6 tokens)
        Assert.Equal(Enumerable.Range(0, 20).Sum(i => 3 + i % 4), all.Count);
        Assert.Equal(8, test.Dim);
        Assert.Equal(("▁w9_2", 2), (rows[2].Item, rows[2].Token));
        Assert.Equal(["▁w9_0", "▁w9_1", "▁w9_2", "▁w9_3"], rows[2].Context);
        Assert.Null(TextRows.Verify("llm-act", folder));
        Assert.Equal("w0_0 w0_1 w0_2", TextRows.Load("text-emb", folder, "train")[0].Item);
    }

    [Fact]
    public void Rows_metadata_that_disagrees_with_the_shards_is_a_one_line_error_naming_the_file()
    {
        using var temp = new TempFolder();
        string folder = TextFixture.UseLite(temp.Path, sentences: 20, dim: 8);
        string rowsFile = Path.Combine(folder, "llm-act", "test", TextSets.RowsFile);
        string[] lines = File.ReadAllLines(rowsFile);

        File.WriteAllLines(rowsFile, lines[..^1]);
        var shortBy1 = Assert.Throws<VAEaseException>(() => TextRows.Load("llm-act", folder, "test"));
        File.WriteAllLines(rowsFile, [.. lines[..^1], "{\"sentence\": 19, \"token\": 6}"]);
        var tokenOut = Assert.Throws<VAEaseException>(() => TextRows.Load("llm-act", folder, "test"));
        File.WriteAllLines(rowsFile, [.. lines[..^1], "{\"sentence\": 3, \"token\": 0}"]);
        var wrongSplit = Assert.Throws<VAEaseException>(() => TextRows.Load("llm-act", folder, "test"));
        File.WriteAllLines(rowsFile, [.. lines[..^1], "{\"sentence\": 77, \"token\": 0}"]);
        var missing = Assert.Throws<VAEaseException>(() => TextRows.Load("llm-act", folder, "test"));
        File.WriteAllLines(rowsFile, [.. lines[..^1], "{\"sentence\": 19, "]);
        var broken = Assert.Throws<VAEaseException>(() => TextRows.Load("llm-act", folder, "test"));

        Assert.Equal($"{rowsFile}: 9 lines for the 10 rows of the shards in {Path.GetDirectoryName(rowsFile)}", shortBy1.Message);
        Assert.Equal($"{rowsFile}: line 10: token 6 of sentence 19, which has 6 tokens", tokenOut.Message);
        Assert.Equal($"{rowsFile}: line 10 names sentence 3 of the train split in the test folder", wrongSplit.Message);
        Assert.Equal($"{rowsFile}: line 10 names sentence 77, which sentences.jsonl lacks", missing.Message);
        Assert.StartsWith($"{rowsFile}: line 10 is not valid JSON", broken.Message);
        Assert.All(new[] { shortBy1, tokenOut, wrongSplit, missing, broken }, e => Assert.DoesNotContain('\n', e.Message));
        Assert.Equal(broken.Message, TextRows.Verify("llm-act", folder));
    }

    [Fact]
    public void Text_specs_name_their_split_and_glove_takes_no_keys()
    {
        Assert.Equal("llm-act:split=train", DataSpec.Canonical("llm-act"));
        Assert.Equal("text-emb:split=test", DataSpec.Canonical("text-emb:split=test"));
        Assert.Equal("glove", DataSpec.Canonical("glove"));
        Assert.Equal(("llm-act", "test"), DataSpec.TextSet("llm-act:split=test"));
        Assert.Equal(("glove", "all"), DataSpec.TextSet("glove"));
        Assert.Null(DataSpec.TextSet("mnist"));
        var e = Assert.Throws<VAEaseException>(() => DataSpec.Canonical("glove:split=test"));
        Assert.Contains("glove takes no keys", e.Message);
    }
}
