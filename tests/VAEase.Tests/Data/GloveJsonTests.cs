using System.Text;
using VAEase.Data;
using VAEase.Tests.Training;

namespace VAEase.Tests.Data;

public sealed class GloveJsonTests
{
    /// <summary>The package's layout: counts, the word list, then word: [values..., norm, row index] in any order.</summary>
    private const string Tiny = """
        {"precision":8,"l2NormIndex":3,"wordIndex":4,"size":3,"dimensions":3,"words":["the",",","cat"],
         "vectors":{"cat":[0.5,-1,2,2.29,2],"the":[1,2,3,3.74,0],",":[-0.25,0,1e-3,0.25,1]},"unkVector":[0,0,0,-1]}
        """;

    private static GloveJson.WordVectors Read(string json) =>
        GloveJson.Read(new MemoryStream(Encoding.UTF8.GetBytes(json)), "tiny.json");

    [Fact]
    public void The_vectors_land_in_the_rows_their_index_gives_and_the_words_keep_their_order()
    {
        var glove = Read(Tiny);

        Assert.Equal(["the", ",", "cat"], glove.Words);
        Assert.Equal(3, glove.Dim);
        Assert.Equal([1f, 2f, 3f, -0.25f, 0f, 1e-3f, 0.5f, -1f, 2f], glove.Vectors);
    }

    [Fact]
    public void A_file_larger_than_the_read_buffer_parses_the_same()
    {
        int n = 40_000; // ~2 MB of JSON: several buffer refills
        var json = new StringBuilder($"{{\"size\":{n},\"dimensions\":2,\"words\":[");
        json.AppendJoin(',', Enumerable.Range(0, n).Select(i => $"\"w{i}\"")).Append("],\"vectors\":{");
        json.AppendJoin(',', Enumerable.Range(0, n).Reverse().Select(i => $"\"w{i}\":[{i}.5,-{i},1,{i}]")).Append("}}");

        var glove = Read(json.ToString());

        Assert.Equal(n, glove.Words.Length);
        Assert.Equal([39_999.5f, -39_999f], glove.Vectors[^2..]);
        Assert.Equal("w12345", glove.Words[12345]);
        Assert.Equal(12345.5f, glove.Vectors[2 * 12345]);
    }

    [Theory]
    [InlineData("\"cat\":[0.5,-1,2,2.29,2]", "\"cat\":[0.5,-1,2,2]", "tiny.json: vector of 'cat' has 4 numbers, expected 3 values + norm + index = 5")]
    [InlineData("\"cat\":[0.5,-1,2,2.29,2]", "\"cat\":[0.5,-1,2,2.29,1]", "tiny.json: vector of 'cat' has row index 1, but words[1] is ','")]
    [InlineData("\"cat\":[0.5,-1,2,2.29,2]", "\"cat\":[0.5,1e39,2,2.29,2]", "tiny.json: vector of 'cat' has a non-finite value at column 1")]
    [InlineData(",\",\":[-0.25,0,1e-3,0.25,1]", "", "tiny.json: 2 vectors for 3 words (first without one: ',')")]
    [InlineData("\"size\":3", "\"size\":4", "tiny.json: 'words' has 3 entries, 'size' says 4")]
    public void A_malformed_file_is_a_one_line_error_naming_it(string part, string replacement, string message)
    {
        Assert.Contains(part, Tiny);
        var e = Assert.Throws<VAEaseException>(() => Read(Tiny.Replace(part, replacement)));
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void A_truncated_file_is_an_error_naming_it()
    {
        var e = Assert.Throws<VAEaseException>(() => Read(Tiny[..^2]));
        Assert.StartsWith("tiny.json: not valid JSON", e.Message);
    }

    [Fact]
    public void Written_vectors_load_as_the_glove_set_with_one_word_per_row()
    {
        string folder = Directory.CreateDirectory(TrainingFixture.TempDir()).FullName;
        try
        {
            TextDataInstaller.WriteGlove(Read(Tiny), folder, "tiny.json");

            using Dataset data = TextSets.LoadFrom("glove", folder, "all", "glove");
            var rows = TextRows.Load("glove", folder, "all");

            Assert.Equal([3L, 3L], data.X.shape);
            Assert.Equal([0.5f, -1f, 2f], data.X[2].data<float>().ToArray());
            Assert.Equal(["the", ",", "cat"], rows.Select(r => r.Item));
            Assert.Contains("expected [341479, 100]", TextDataInstaller.VerifyGlove(folder));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
