using System.Text.Json;
using VAEase.Tests.Training;

namespace VAEase.Tests.Cli;

/// <summary>`vaease id` run as a process on small synthetic unions.</summary>
public sealed class IdCliTests
{
    const string TwoSubspaces = "linear:d=12,dims=2+4,n=2000,seed=1";
    const string SmallUnion = "linear:d=8,dims=2+3,n=3000,seed=4";

    static string TempJson() => Path.Combine(Path.GetTempPath(), $"vaease-id-{Guid.NewGuid():N}.json");

    [Fact]
    public void Given_two_linear_subspaces_when_estimating_then_lpca_finds_2_and_4_per_group_beside_the_truth_and_the_json_parses()
    {
        string json = TempJson();
        try
        {
            var run = CliProcess.Run("id", "--data", TwoSubspaces, "--methods", "lpca,mle,twonn", "--json", json);

            Assert.True(run.ExitCode == 0, run.Stderr);
            string[] lines = run.Stdout.Split('\n');
            Assert.Contains(lines, l => l.StartsWith("group") && l.Contains("truth") && l.Contains("lpca") && l.Contains("mle") && l.Contains("twonn"));
            Assert.Contains(lines, l => l.StartsWith("all"));
            using var doc = JsonDocument.Parse(File.ReadAllText(json));
            JsonElement root = doc.RootElement;
            JsonElement lpca = root.GetProperty("estimates").GetProperty("lpca").GetProperty("per_group");
            Assert.InRange(lpca.GetProperty("0").GetDouble(), 1.6, 2.5);
            Assert.InRange(lpca.GetProperty("1").GetDouble(), 3.5, 4.6);
            foreach (string method in new[] { "mle", "twonn" })
                Assert.InRange(root.GetProperty("estimates").GetProperty(method).GetProperty("dimension").GetDouble(), 2, 5);
            Assert.Equal(2, root.GetProperty("truth").GetProperty("per_group").GetProperty("0").GetInt32());
            Assert.Equal(4, root.GetProperty("truth").GetProperty("per_group").GetProperty("1").GetInt32());
            Assert.Equal(2000, root.GetProperty("rows").GetInt64());
            Assert.True(root.GetProperty("versions").TryGetProperty("torchsharp", out _));
        }
        finally
        {
            File.Delete(json);
        }
    }

    [Theory]
    [InlineData("nb")]
    [InlineData("lpca,flipd")]
    public void Diffusion_based_methods_without_a_score_model_say_how_to_train_one(string methods)
    {
        CliProcess.AssertUsageError(CliProcess.Run("id", "--data", TwoSubspaces, "--methods", methods), "vaease score train");
    }

    [Fact]
    public void A_list_of_noise_scales_sweeps_each_diffusion_method_and_names_each_estimate_by_its_scale()
    {
        string dir = Directory.CreateTempSubdirectory("vaease-score-").FullName, json = TempJson();
        try
        {
            var train = CliProcess.Run("score", "train", "--data", SmallUnion, "--out", Path.Combine(dir, "s"), "--epochs", "1", "--hidden", "32");
            Assert.True(train.ExitCode == 0, train.Stderr);
            var run = CliProcess.Run("id", "--data", SmallUnion, "--methods", "flipd,nb", "--score", Path.Combine(dir, "s"), "--points", "3",
                "--nb-sigma", "0.01,0.1", "--flipd-t0", "0.05", "--json", json);
            Assert.True(run.ExitCode == 0, run.Stderr);
            string header = run.Stdout.Split('\n').Single(l => l.StartsWith("group"));
            Assert.Equal(["group", "rows", "truth", "flipd", "nb@0.01", "nb@0.1"], header.Split(' ', StringSplitOptions.RemoveEmptyEntries)); // the order asked for, one column per scale
            using var doc = JsonDocument.Parse(File.ReadAllText(json));
            JsonElement estimates = doc.RootElement.GetProperty("estimates");
            Assert.Equal(["flipd", "nb@0.01", "nb@0.1"], estimates.EnumerateObject().Select(p => p.Name));
            Assert.Equal(0.1, estimates.GetProperty("nb@0.1").GetProperty("settings").GetProperty("sigma").GetDouble());
            Assert.Equal(0.05, estimates.GetProperty("flipd").GetProperty("settings").GetProperty("t0").GetDouble());

            CliProcess.AssertUsageError(CliProcess.Run("id", "--data", SmallUnion, "--methods", "nb", "--score", Path.Combine(dir, "s"), "--nb-sigma", "0.1,-1"),
                "--nb-sigma values must be positive and finite");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
            File.Delete(json);
        }
    }

    [Fact]
    public void Score_model_options_without_a_diffusion_method_are_refused()
    {
        CliProcess.AssertUsageError(CliProcess.Run("id", "--data", TwoSubspaces, "--methods", "lpca", "--points", "10"), "--points is only used by the nb and flipd methods");
    }

    [Fact]
    public void An_unknown_method_is_a_usage_error_listing_the_known_ones()
    {
        CliProcess.AssertUsageError(CliProcess.Run("id", "--data", TwoSubspaces, "--methods", "lpca,danco"), "unknown ID method 'danco'");
    }

    [Fact]
    public void More_points_than_the_exact_search_allows_are_refused_without_subsample_and_accepted_with_it()
    {
        const string big = "linear:d=3,dims=1,n=100001,seed=2";
        string json = TempJson();
        try
        {
            CliProcess.AssertUsageError(CliProcess.Run("id", "--data", big, "--methods", "twonn", "--json", json), "--subsample");
            Assert.False(File.Exists(json), "the JSON file was written");

            var run = CliProcess.Run("id", "--data", big, "--methods", "twonn", "--subsample", "1000", "--json", json);
            Assert.True(run.ExitCode == 0, run.Stderr);
            using var doc = JsonDocument.Parse(File.ReadAllText(json));
            JsonElement twonn = doc.RootElement.GetProperty("estimates").GetProperty("twonn");
            Assert.Equal(1000, twonn.GetProperty("points").GetInt64());
            Assert.True(twonn.GetProperty("subsampled").GetBoolean());
            Assert.InRange(twonn.GetProperty("dimension").GetDouble(), 0.7, 1.3);
        }
        finally
        {
            File.Delete(json);
        }
    }

    [Fact]
    public void Without_a_model_id_trains_one_into_out_which_is_then_reused_and_accepted_by_model_but_not_for_other_data()
    {
        string dir = TrainingFixture.TempDir(), json = TempJson();
        try
        {
            var trained = CliProcess.Run("id", "--data", SmallUnion, "--methods", "vaease,twonn", "--epochs", "2", "--out", dir);
            Assert.True(trained.ExitCode == 0, trained.Stderr);
            Assert.Contains("training a VAEase model", trained.Stderr);
            Assert.True(File.Exists(Path.Combine(dir, "model.safetensors")), "no model was saved");
            Assert.Contains(trained.Stdout.Split('\n'), l => l.StartsWith("group") && l.Contains("vaease") && l.Contains("twonn"));

            var reused = CliProcess.Run("id", "--data", SmallUnion, "--methods", "vaease", "--epochs", "2", "--out", dir);
            Assert.True(reused.ExitCode == 0, reused.Stderr);
            Assert.Contains("reusing the model", reused.Stderr);

            var loaded = CliProcess.Run("id", "--data", SmallUnion, "--methods", "vaease", "--model", dir, "--json", json);
            Assert.True(loaded.ExitCode == 0, loaded.Stderr);
            using (var doc = JsonDocument.Parse(File.ReadAllText(json)))
            {
                JsonElement vaease = doc.RootElement.GetProperty("estimates").GetProperty("vaease");
                Assert.InRange(vaease.GetProperty("dimension").GetDouble(), 0, 20);
                Assert.Equal(2, vaease.GetProperty("per_group").EnumerateObject().Count());
                Assert.Equal(3000, vaease.GetProperty("points").GetInt64());
            }
            Assert.Equal(AllRow(reused.Stdout), AllRow(loaded.Stdout));

            CliProcess.AssertUsageError(CliProcess.Run("id", "--data", TwoSubspaces, "--methods", "vaease", "--model", dir), "expects d = 8 but " + TwoSubspaces + " has d = 12");
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
            File.Delete(json);
        }
    }

    static string AllRow(string stdout) => stdout.Split('\n').Single(l => l.StartsWith("all"));
}
