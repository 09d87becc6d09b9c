using VAEase.Data;
using Xunit;

namespace VAEase.Tests.Data;

/// <summary>The data spec parser: defaults, aliases, canonical form, and one-line errors for
/// every malformed spec.</summary>
public sealed class DataSpecTests
{
    [Theory]
    [InlineData("linear:d=40,dims=4+4+4", "linear:d=40,dims=4+4+4,n=500000,seed=1")]
    [InlineData("mlp:d=100,dims=5+5+10+10", "mlp:d=100,dims=5+5+10+10,n=800000,seed=1")]
    [InlineData("linear:seed=7,n=99,dims=1+2,d=3", "linear:d=3,dims=1+2,n=99,seed=7")]
    [InlineData(" LINEAR: d = 3 , dims = 1 + 2 ", "linear:d=3,dims=1+2,n=500000,seed=1")]
    [InlineData("mlp:d=3,dims=2,seed=-4", "mlp:d=3,dims=2,n=800000,seed=-4")]
    public void Canonical_fills_defaults_in_a_fixed_key_order(string spec, string canonical)
    {
        Assert.Equal(canonical, DataSpec.Canonical(spec));
    }

    [Theory]
    [InlineData("table2-linear", "linear:d=40,dims=4+4+4,n=500000,seed=1")]
    [InlineData("table2-mlp", "mlp:d=100,dims=5+5+10+10,n=800000")]
    [InlineData("demo-linear", "linear:d=20,dims=2+3+5,n=60000,seed=1")]
    public void Alias_and_its_expanded_form_have_the_same_canonical_spec(string alias, string expanded)
    {
        Assert.Equal(DataSpec.Canonical(expanded), DataSpec.Canonical(alias));
    }

    [Fact]
    public void Describe_reports_family_dims_and_pieces_without_generating_data()
    {
        var info = DataSpec.Describe("table2-mlp");

        Assert.Equal("mlp", info.Family);
        Assert.Equal(100, info.Dim);
        Assert.Equal([5, 5, 10, 10], info.Pieces);
        Assert.Equal(800_000, info.Count);
        Assert.Equal(1, info.Seed);
    }

    [Fact]
    public void Load_builds_the_linear_union_the_spec_describes()
    {
        using var data = DataSpec.Load("linear:d=6,dims=1+2,n=300,seed=3");
        using var direct = SyntheticUnion.LinearUnion(6, [1, 2], 300, seed: 3);

        Assert.Equal(new long[] { 300, 6 }, data.X.shape);
        Assert.True(direct.X.data<float>().SequenceEqual(data.X.data<float>()));
        Assert.Equal(direct.Labels, data.Labels);
        Assert.Equal("linear:d=6,dims=1+2,n=300,seed=3", data.Name);
    }

    [Fact]
    public void Load_builds_the_mlp_union_with_the_default_seed()
    {
        using var data = DataSpec.Load("mlp:d=5,dims=2+3,n=40");
        using var direct = SyntheticUnion.MlpUnion(5, [2, 3], 40, seed: 1);

        Assert.True(direct.X.data<float>().SequenceEqual(data.X.data<float>()));
        Assert.Equal(direct.Labels, data.Labels);
        Assert.Equal("mlp:d=5,dims=2+3,n=40,seed=1", data.Name);
    }

    [Fact]
    public void Help_lists_the_kinds_and_aliases()
    {
        foreach (string word in new[] { "linear:", "mlp:", "table2-linear", "table2-mlp", "demo-linear" })
            Assert.Contains(word, DataSpec.Help);
    }

    [Theory]
    [InlineData("", "missing kind")]
    [InlineData("gauss:d=3,dims=1", "unknown kind 'gauss'")]
    [InlineData("linear:d=3,dims=1,k=2", "unknown key 'k'")]
    [InlineData("linear:d=3,dims=1,d=4", "duplicate key 'd'")]
    [InlineData("linear:dims=1", "missing required key 'd'")]
    [InlineData("linear:d=3", "missing required key 'dims'")]
    [InlineData("linear", "missing required key 'd'")]
    [InlineData("linear:d=three,dims=1", "d: 'three' is not an integer")]
    [InlineData("linear:d=3,dims=1,n=1e5", "n: '1e5' is not an integer")]
    [InlineData("linear:d=3,dims=1,seed=x", "seed: 'x' is not an integer")]
    [InlineData("linear:d=3,dims=1+a", "dims: 'a' is not an integer")]
    [InlineData("linear:d=3,dims=1+", "dims: '' is not an integer")]
    [InlineData("linear:d=99999999999,dims=1", "d: 99999999999 is out of range")]
    [InlineData("linear:d=3,dims=", "dims is empty")]
    [InlineData("linear:d=3,dims=1+4", "piece 1 has dimension 4")]
    [InlineData("mlp:d=3,dims=0", "piece 0 has dimension 0")]
    [InlineData("linear:d=0,dims=1", "d must be >= 1")]
    [InlineData("mlp:d=3,dims=1+1+1,n=2", "n=2 is smaller than the number of pieces (3)")]
    [InlineData("linear:d=3,dims=1,", "'' is not key=value")]
    [InlineData("linear:d=3,dims=1,n", "'n' is not key=value")]
    [InlineData("linear:d=3,di\nms=1", "unknown key 'di\\u000ams'")]
    public void Malformed_spec_throws_a_one_line_message_naming_the_problem_with_an_example(string spec, string problem)
    {
        var e = Assert.Throws<VAEaseException>(() => DataSpec.Load(spec));
        Assert.Equal(e.Message, Assert.Throws<VAEaseException>(() => DataSpec.Describe(spec)).Message);

        Assert.StartsWith("data spec '", e.Message);
        Assert.Contains(problem, e.Message);
        Assert.Matches(@"\(e\.g\. '(linear|mlp):d=\d+,dims=[\d+]+,n=\d+,seed=\d+'\)$", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.DoesNotContain('\r', e.Message);
    }

    [Fact]
    public void Canonical_rejects_a_malformed_spec_like_Load()
    {
        var e = Assert.Throws<VAEaseException>(() => DataSpec.Canonical("mlp:d=4"));

        Assert.Equal("data spec 'mlp:d=4': missing required key 'dims' (e.g. 'mlp:d=100,dims=5+5+10+10,n=800000,seed=1')", e.Message);
    }
}
