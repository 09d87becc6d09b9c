using VAEase.Tests.Training;

namespace VAEase.Tests.Cli;

public sealed class CliErrorTests
{
    [Theory]
    [InlineData("unknown model 'vaes'", "--model", "vaes", "--data", "demo-linear")]
    [InlineData("data spec 'linear:d=40,dims=4+x'", "--model", "vaease", "--data", "linear:d=40,dims=4+x")]
    [InlineData("unknown kind 'cubic'", "--model", "vaease", "--data", "cubic:d=3")]
    [InlineData("invalid --latent", "--model", "vaease", "--data", "linear:d=6,dims=2,n=100", "--latent", "0")]
    [InlineData("invalid --topk", "--model", "sae-topk", "--data", "linear:d=6,dims=2,n=100", "--topk", "99")]
    [InlineData("file not found", "--model", "vaease", "--config", "/nonexistent/config.json")]
    [InlineData("unknown variance bound", "--model", "vae", "--data", "demo-linear", "--variance-bound", "hard")]
    [InlineData("--epochs", "--model", "vaease", "--data", "demo-linear", "--epochs", "many")]
    [InlineData("--max-epochs applies to --epochs auto", "--model", "vaease", "--data", "demo-linear", "--epochs", "5", "--max-epochs", "9")]
    [InlineData("unknown gamma mode 'fixed' (expected one of: learned, anchored)", "--model", "vaease", "--data", "demo-linear", "--gamma", "fixed")]
    [InlineData("unknown precision 'fp16' (expected one of: fp32, bf16)", "--model", "vaease", "--data", "demo-linear", "--precision", "fp16")]
    public void Bad_train_input_gives_one_line_exit_code_2_and_no_output_folder(string expected, params string[] args)
    {
        string dir = TrainingFixture.TempDir();
        CliProcess.AssertUsageError(CliProcess.Run(["train", "--out", dir, .. args]), expected);
        Assert.False(Directory.Exists(dir), "the output folder was created");
    }

    [Theory]
    [InlineData("{\"model\": null}", "model must not be null")]
    [InlineData("{\"data\": \"demo-linear\", \"training\": null}", "training must not be null")]
    [InlineData("{\"data\": null, \"model\": {\"kind\": \"vaease\"}}", "data must not be null")]
    [InlineData("{\"data\": \"demo-linear\", \"model\": {\"kind\": \"vaease\", \"encoder\": null}}", "could not be converted to VAEase.Networks.EncoderKind")]
    public void A_config_file_with_a_null_section_gives_one_line_exit_code_2_and_no_output_folder(string json, string expected)
    {
        string dir = TrainingFixture.TempDir(), config = Path.Combine(Path.GetTempPath(), $"vaease-null-{Guid.NewGuid():N}.json");
        File.WriteAllText(config, json);
        try
        {
            CliProcess.AssertUsageError(CliProcess.Run("train", "--out", dir, "--config", config, "--model", "vaease", "--data", "demo-linear"), expected);
            Assert.False(Directory.Exists(dir), "the output folder was created");
        }
        finally
        {
            File.Delete(config);
        }
    }

    [Fact]
    public void A_bad_conv_backend_setting_gives_one_line_exit_code_2_and_no_output_folder()
    {
        string dir = TrainingFixture.TempDir();
        var environment = new Dictionary<string, string> { [VAEase.Networks.ConvolutionBackend.OverrideVariable] = "fast" };
        CliProcess.AssertUsageError(CliProcess.Run(environment, "train", "--out", dir, "--model", "vaease", "--data", "linear:d=784,dims=2,n=64",
            "--encoder", "residual-conv", "--decoder", "residual-conv", "--epochs", "1"), "VAEASE_CONV_BACKEND must be auto, onednn or native, not 'fast'");
        Assert.False(Directory.Exists(dir), "the output folder was created");
    }

    [Fact]
    public void Train_without_out_is_a_usage_error()
    {
        CliProcess.AssertUsageError(CliProcess.Run("train", "--model", "vaease", "--data", "demo-linear"), "--out");
    }

    [Fact]
    public void Train_refuses_a_non_empty_output_folder_without_resume_and_leaves_it_alone()
    {
        string dir = TrainingFixture.TempDir();
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "keep.txt"), "mine");
        try
        {
            CliProcess.AssertUsageError(CliProcess.Run("train", "--model", "vaease", "--data", "linear:d=6,dims=2,n=100", "--out", dir), "not empty");
            Assert.Equal(["keep.txt"], Directory.GetFileSystemEntries(dir).Select(Path.GetFileName));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Eval_of_a_missing_model_folder_is_a_usage_error()
    {
        CliProcess.AssertUsageError(CliProcess.Run("eval", "--model", "/nonexistent/model"), "model directory not found");
    }

    [Fact]
    public void Unknown_command_is_a_usage_error()
    {
        Assert.Equal(2, CliProcess.Run("fly").ExitCode);
    }

    [Fact]
    public void Help_describes_the_commands()
    {
        var result = CliProcess.Run("--help");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("train", result.Stdout);
        Assert.Contains("eval", result.Stdout);
        Assert.Contains("vaease", result.Stdout);
    }
}
