using System.Text.Json;
using VAEase.Tests.Training;

namespace VAEase.Tests.Cli;

public sealed class ReproduceCommandTests
{
    [Fact]
    public void Table2_on_a_custom_union_prints_the_truth_and_reuses_finished_runs()
    {
        string root = TrainingFixture.TempDir(), json = Path.Combine(root, "t2.json");
        try
        {
            string[] args = ["reproduce", "table2", "--data", "linear:d=8,dims=2+3,n=3000,seed=4", "--epochs", "2",
                             "--models", "vaease,sae-topk", "--seeds", "1,2", "--out", root, "--json", json];
            var first = CliProcess.Run(args);
            Assert.True(first.ExitCode == 0, first.Stderr);
            Assert.Contains("truth", first.Stdout);
            using (var doc = JsonDocument.Parse(File.ReadAllText(json)))
            {
                JsonElement part = doc.RootElement.GetProperty("parts")[0];
                Assert.Equal("linear", part.GetProperty("part").GetString());
                Assert.Equal(4, part.GetProperty("models").GetArrayLength());
                Assert.Equal(2, part.GetProperty("models")[0].GetProperty("median_per_manifold").GetArrayLength());
            }
            string weights = Path.Combine(root, "linear", "vaease-seed1", "model.safetensors");
            DateTime written = File.GetLastWriteTimeUtc(weights);

            var second = CliProcess.Run(args);
            Assert.True(second.ExitCode == 0, second.Stderr);
            Assert.Equal(written, File.GetLastWriteTimeUtc(weights)); // evaluated again, not retrained
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void Table2_latent_and_t0_reach_the_trained_runs_config()
    {
        string root = TrainingFixture.TempDir();
        try
        {
            var run = CliProcess.Run("reproduce", "table2", "--data", "linear:d=8,dims=2+3,n=2000,seed=4", "--epochs", "1",
                "--models", "vaease,sae-topk", "--latent", "7", "--t0", "0", "--out", root);
            Assert.True(run.ExitCode == 0, run.Stderr);
            foreach (string model in new[] { "vaease", "sae-topk" })
            {
                using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "linear", $"{model}-seed1", "config.json")));
                Assert.Equal(7, config.RootElement.GetProperty("model").GetProperty("latent").GetInt32());
                Assert.Equal(0, config.RootElement.GetProperty("training").GetProperty("restart_period").GetInt32());
            }
        }
        finally
        {
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void Table3_quick_on_installed_mnist_prints_the_table_and_writes_results_and_figures()
    {
        if (!InstalledData.Available("mnist")) return;
        string root = TrainingFixture.TempDir();
        try
        {
            var run = CliProcess.Run("reproduce", "table3", "--threads", "1", "--data", "mnist", "--quick", "--models", "vaease,sae-topk", "--out", root);
            Assert.True(run.ExitCode == 0, run.Stderr);
            Assert.Contains("Table 3 (mnist", run.Stdout);
            Assert.Contains("Table 5", run.Stdout);
            string dir = Path.Combine(root, "mnist-quick");
            using (var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "results.json"))))
            {
                JsonElement models = doc.RootElement.GetProperty("models");
                Assert.Equal(2, models.GetArrayLength());
                Assert.Equal(500, models[0].GetProperty("results").GetProperty("samples").GetInt64());
                Assert.Equal(32, models[0].GetProperty("masking").GetProperty("re").GetArrayLength());
                Assert.Equal(9.71, doc.RootElement.GetProperty("paper").GetProperty("table3").GetProperty("vaease").GetProperty("re").GetDouble());
            }
            foreach (string file in new[] { "masking.png", "masking.csv", "per-class-active-dims.png", "active-dims-histograms.png", "gallery.png" })
                Assert.True(File.Exists(Path.Combine(dir, file)), file);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void Table4_quick_runs_every_stage_then_reuses_them_all_on_a_second_run()
    {
        if (!InstalledData.Available("mnist")) return;
        string root = TrainingFixture.TempDir();
        try
        {
            // One thread: on a busy machine libtorch's two spinning threads made this smoke run 15x slower (4.4 min).
            var first = CliProcess.Run("reproduce", "table4", "--quick", "--out", root, "--threads", "1");
            Assert.True(first.ExitCode == 0, first.Stderr);
            Assert.Contains("Table 4 (pseudo-MNIST", first.Stdout);
            Assert.Contains("105.94", first.Stdout);
            foreach (string file in new[] { "samples.png", "results.json", "pseudo-mnist-n3000-seed1.npy", "gan/generator.safetensors", "vaease/model.safetensors", "score/score.safetensors" })
                Assert.True(File.Exists(Path.Combine(root, file)), file);
            using (var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "results.json"))))
            {
                JsonElement estimates = doc.RootElement.GetProperty("estimates");
                foreach (string method in new[] { "nb", "nb-centred", "flipd", "lpca", "mle", "twonn" })
                    Assert.True(double.IsFinite(estimates.GetProperty(method).GetProperty("dimension").GetDouble()), method);
                Assert.Equal(5, estimates.GetProperty("nb").GetProperty("points").GetInt64());
            }

            var second = CliProcess.Run("reproduce", "table4", "--quick", "--out", root, "--threads", "1");
            Assert.True(second.ExitCode == 0, second.Stderr);
            Assert.Contains("gan: reusing the finished run", second.Stderr);
            Assert.Contains("score: reusing the finished run", second.Stderr);
            Assert.DoesNotContain("pseudo-MNIST: 3000 images", second.Stderr);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void Id_unions_quick_puts_every_estimator_per_manifold_in_one_table_and_reuses_table2s_model()
    {
        const string union = "linear:d=12,dims=2+4,n=6000,seed=1";
        string root = TrainingFixture.TempDir();
        try
        {
            var table2 = CliProcess.Run("reproduce", "table2", "--quick", "--data", union, "--models", "vaease", "--epochs", "3", "--out", Path.Combine(root, "t2"));
            Assert.True(table2.ExitCode == 0, table2.Stderr);

            var run = CliProcess.Run("reproduce", "id-unions", "--quick", "--data", union, "--table2", Path.Combine(root, "t2"), "--out", Path.Combine(root, "id"));
            Assert.True(run.ExitCode == 0, run.Stderr);
            Assert.Contains("using Table 2's model in", run.Stderr);
            Assert.Contains("VAEase      NB    NB-c   FLIPD    lPCA     MLE   TwoNN", run.Stdout);
            using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "id", "results.json")));
            JsonElement part = doc.RootElement.GetProperty("parts")[0];
            Assert.Equal([2, 4], part.GetProperty("truth").EnumerateArray().Select(e => e.GetInt32()));
            Assert.Equal(Path.Combine(root, "t2", "linear", "vaease-seed1"), part.GetProperty("vaease").GetProperty("dir").GetString());
            JsonElement estimates = part.GetProperty("estimates");
            foreach (string method in new[] { "vaease", "nb", "nb-centred", "flipd", "lpca", "mle", "twonn" })
                Assert.True(double.IsFinite(estimates.GetProperty(method).GetProperty("dimension").GetDouble()), method);
            // The per-manifold columns belong to their manifolds: MLE on a flat piece is close to its dimension.
            JsonElement mle = estimates.GetProperty("mle").GetProperty("per_group");
            Assert.InRange(mle.GetProperty("0").GetDouble(), 1.5, 2.5);
            Assert.InRange(mle.GetProperty("1").GetDouble(), 3.2, 4.8);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void Id_unions_with_a_table2_folder_that_holds_no_model_is_refused_in_one_line()
    {
        string root = Directory.CreateDirectory(TrainingFixture.TempDir()).FullName;
        try
        {
            var run = CliProcess.Run("reproduce", "id-unions", "--quick", "--part", "linear", "--table2", root, "--out", Path.Combine(root, "id"));
            Assert.Equal(2, run.ExitCode);
            Assert.Contains("holds no finished VAEase run", run.Stderr);
            Assert.Single(run.Stderr.Trim().Split('\n'));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void Table3_on_data_that_is_neither_an_image_nor_a_text_set_is_refused_in_one_line()
    {
        var run = CliProcess.Run("reproduce", "table3", "--data", "table2-linear");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--data must be mnist, fashion-mnist, llm-act, text-emb, minilm-act, minilm-emb, glove; got 'table2-linear'", run.Stderr);
        Assert.Single(run.Stderr.Trim().Split('\n'));
    }
}
