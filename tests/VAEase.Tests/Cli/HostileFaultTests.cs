using System.Diagnostics;
using VAEase.Data;
using VAEase.Export;
using VAEase.IO;
using VAEase.Training;
using static TorchSharp.torch;
using static VAEase.Tests.Data.NpyReaderTests;

namespace VAEase.Tests.Cli;

/// <summary>Issue 16, classes 5-10, through the real `vaease` program: sizes no machine has, outputs that would replace
/// inputs, failed runs that would block their fix, debris of killed processes, files that change while they are read,
/// and two processes in one run folder. Refusals end as in <see cref="HostileInputTests"/>: exit code 2, one error line,
/// no stack trace, the user's files as they were; recoveries end as documented. One class per defect class, so that
/// xunit runs them side by side; the processes killed here are real ones, killed with SIGKILL.</summary>
public static class HostileFaultTests
{
    /// <summary>A random float32 matrix [rows, d] saved as .npy.</summary>
    private static string Matrix(string path, long rows, int d = 8, bool unit = false)
    {
        manual_seed(rows);
        using Tensor x = unit ? rand(rows, d) : randn(rows, d);
        NpyReader.Write(path, x);
        return path;
    }

    /// <summary>A .npy file whose header declares [rows, d] float32 and whose data is a hole: terabytes that take no disk.</summary>
    private static string Sparse(string path, long rows, int d)
    {
        byte[] header = Npy(Dict("<f4", $"({rows}, {d})"), []);
        using var file = new FileStream(path, FileMode.CreateNew);
        file.Write(header);
        file.SetLength(header.Length + rows * d * 4);
        return path;
    }

    /// <summary>Polls until <paramref name="condition"/> holds; fails the test after a minute.</summary>
    private static void WaitFor(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(1), $"waited a minute for {what}");
            Thread.Sleep(20);
        }
    }

    private static string[] TempFilesIn(string dir) => [.. Directory.GetFiles(dir, ".*.tmp")];

    /// <summary>Class 5: sizes no machine has. Each is refused before anything is allocated or written.</summary>
    public sealed class Sizes(HostileInputTests.Folders folders) : HostileInputTests.Cases(folders), IClassFixture<HostileInputTests.Folders>
    {
        /// <summary>Options of `vaease train --model vaease --data (the fixture's) --epochs 1` changed, and the refusal.</summary>
        public static TheoryData<string[], string> TooLargeTrainings => new()
        {
            { ["--latent", "2000000000"], "invalid --latent: must be in [1, 67108864], got 2000000000" },
            { ["--latent", "50000000"], "training vaease (--latent 50000000, d = 8, --encoder swish-mlp, --batch 1024) needs about" },
            { ["--data", "linear:d=5,dims=2,n=1000000000000"], "data spec 'linear:d=5,dims=2,n=1000000000000' (n = 1000000000000 rows of d = 5) needs about 36.0 TB of memory" },
            { ["--data", "linear:d=2000000000,dims=2"], "invalid input dimension: must be in [1, 67108864], got 2000000000" },
            { ["--data", "linear:d=60000000,dims=2"], "data spec 'linear:d=60000000,dims=2' (n = 500000 rows of d = 60000000) needs about 14.5 PB of memory" },
        };

        [Theory]
        [MemberData(nameof(TooLargeTrainings))]
        public void A_training_whose_sizes_overflow_or_exceed_the_memory_is_refused_before_it_allocates(string[] change, string problem)
        {
            string dir = CaseFolder();
            var options = new Dictionary<string, string> { ["--model"] = "vaease", ["--data"] = HostileInputTests.Folders.Data, ["--epochs"] = "1" };
            options[change[0]] = change[1];
            AssertRefused(dir, ["train", .. options.SelectMany(o => new[] { o.Key, o.Value }), "--out", Path.Combine(dir, "out")], null, problem);
        }

        [Theory]
        [InlineData("score", "--hidden", "2000000000", "hidden width must be in [1, 67108864]")]
        [InlineData("score", "--hidden", "20000000", "the score model (--hidden 20000000 x 3 blocks, d = 16, --batch 256) needs about")]
        [InlineData("gan", "--noise-dim", "2000000000", "noise dimension must be in [1, 67108864], got 2000000000")]
        [InlineData("gan", "--noise-dim", "60000000", "the GAN (--noise-dim 60000000, d = 16) needs about")]
        public void A_score_model_or_GAN_larger_than_the_memory_is_refused(string command, string option, string value, string problem)
        {
            string dir = CaseFolder(), images = Matrix(Path.Combine(dir, "images.npy"), 256, d: 16, unit: true);
            AssertRefused(dir, [command, "train", "--data", $"npy:{images}", option, value, "--epochs", "1", "--out", Path.Combine(dir, "out")], null, problem);
        }

        [Fact]
        public void Terabytes_of_rows_are_refused_by_a_loading_training_and_by_batch_and_buffer_options_that_would_hold_them()
        {
            string dir = CaseFolder();
            string huge = Sparse(Path.Combine(dir, "huge.npy"), 400_000_000_000, 8), wide = Sparse(Path.Combine(dir, "wide.npy"), 1_000_000_000, 2000);
            string rows = Sparse(Path.Combine(dir, "rows.npy"), 2_000_000_000, 8), model = Path.Combine(dir, "model");
            AssertRefused(dir, ["train", "--model", "vaease", "--data", $"npy:{huge}", "--out", Path.Combine(dir, "out")], null,
                $"{huge}: loading 400000000000 rows of d = 8 needs about 12.8 TB of memory");
            AssertRefused(dir, ["train", "--model", "vaease", "--data", $"npy:{wide}", "--stream", "--shuffle-buffer", "2000000000", "--out", Path.Combine(dir, "out")], null,
                "(--shuffle-buffer 2000000000 and --eval-rows 65536 rows of d = 2000) needs about 8.0 TB of memory");
            AssertRefused(dir, ["encode", "--model", model, "--data", $"npy:{rows}", "--batch", "2000000000", "--out", Path.Combine(dir, "codes.npy")], null,
                $"encoding 2000000000 rows of npy:{rows} (--batch 2000000000, d = 8, kappa 4) needs about");
        }
    }

    /// <summary>Class 6: outputs that would replace an input, or a file of a model folder (there, or one its run writes),
    /// by its own path or through a symbolic link. A new file beside a model (eval.json) is fine: OutputGuardTests.</summary>
    public sealed class Outputs(HostileInputTests.Folders folders) : HostileInputTests.Cases(folders), IClassFixture<HostileInputTests.Folders>
    {
        /// <summary>A command whose output is one of its inputs (paths with {dir}: the case's folder, {model}: its model
        /// folder, which {dir}/linked links to; {dir}/link.npy links to the --data file {dir}/x.npy), and the refusal.</summary>
        public static TheoryData<string[], string> Clobbering => new()
        {
            { ["encode", "--model", "{model}", "--data", "npy:{dir}/x.npy", "--out", "{model}/model.safetensors"],
                "--out {model}/model.safetensors is a file of the model folder of --model {model}, which it would replace" },
            { ["encode", "--model", "{model}", "--data", "npy:{dir}/x.npy", "--out", "{dir}/x.npy"], "--out {dir}/x.npy is the --data file; writing it would replace the input" },
            { ["encode", "--model", "{model}", "--data", "npy:{dir}/x.npy", "--out", "{dir}/link.npy"], "--out {dir}/link.npy is the --data file (through a symbolic link: {dir}/x.npy)" },
            { ["encode", "--model", "{model}", "--data", "npy:{dir}/x.npy", "--out", "{dir}/linked/model.safetensors"],
                "--out {dir}/linked/model.safetensors is a file of the model folder of --model {model} (through a symbolic link: {model}/model.safetensors)" },
            { ["encode", "--model", "{model}", "--data", "shards:{dir}/shards", "--out", "{dir}/shards/codes.npy"], "--out {dir}/shards/codes.npy lies inside the --data folder {dir}/shards" },
            { ["encode", "--model", "{model}", "--data", "npy:{dir}/x.npy", "--out", "{dir}/codes.npy", "--json", "{dir}/codes.active.npy"],
                "--json {dir}/codes.active.npy is also written by --out ({dir}/codes.active.npy)" },
            { ["eval", "--model", "{model}", "--json", "{model}/config.json"], "--json {model}/config.json is a file of the model folder of --model {model}" },
            { ["export", "--model", "{model}", "--format", "saelens", "--out", "{model}"], "--out {model} is the model folder of --model" },
            { ["train", "--model", "vaease", "--data", "npy:{dir}/x.npy", "--out", "{dir}/x.npy"], "--out {dir}/x.npy is the --data file" },
            { ["plot", "training", "--runs", "{model}", "--out", "{dir}/training.png", "--json", "{model}/config.json"],
                "--json {model}/config.json is a file of the model folder of --runs {model}" },
            { ["plot", "landscape", "--out", "{dir}/figure.png", "--json", "{dir}/figure.png"], "--json {dir}/figure.png is also written by --out ({dir}/figure.png)" },
            { ["report", "top-activations", "--model", "{model}", "--out", "{model}/model.safetensors"], "--out {model}/model.safetensors is a file of the model folder of --model {model}" },
            { ["reproduce", "table2", "--part", "linear", "--quick", "--models", "vaease", "--out", "{dir}/runs", "--json", "{dir}/runs/linear/vaease-seed1/metrics.json"],
                "--json {dir}/runs/linear/vaease-seed1/metrics.json is a file of the model folder of --out {dir}/runs/linear/vaease-seed1" },
            { ["gan", "sample", "--gan", "{model}", "--grid", "{model}/samples.png"], "--grid {model}/samples.png is a file of the model folder of --gan {model}" },
            { ["id", "--data", "npy:{dir}/x.npy", "--methods", "twonn", "--json", "{dir}/x.npy"], "--json {dir}/x.npy is the --data file" },
        };

        [Theory]
        [MemberData(nameof(Clobbering))]
        public void An_output_that_would_replace_an_input_or_a_file_of_the_model_folder_is_refused(string[] args, string problem)
        {
            string dir = CaseFolder(), model = Path.Combine(dir, "model"), data = Matrix(Path.Combine(dir, "x.npy"), 50);
            File.CreateSymbolicLink(Path.Combine(dir, "link.npy"), data);
            Directory.CreateSymbolicLink(Path.Combine(dir, "linked"), model);
            Directory.CreateDirectory(Path.Combine(dir, "shards"));
            Matrix(Path.Combine(dir, "shards", "a.npy"), 20);
            string Place(string text) => text.Replace("{model}", model).Replace("{dir}", dir);
            AssertRefused(dir, [.. args.Select(Place)], null, $"error: {Place(problem)}");
        }
    }

    /// <summary>Class 7: a run that fails leaves nothing that blocks its corrected rerun; a run killed before its first
    /// checkpoint is replaced by the next run into its folder, which says so; a run that can be resumed is never replaced.</summary>
    public sealed class FailedRuns : HostileInputTests.Cases, IClassFixture<HostileInputTests.Folders>
    {
        private readonly HostileInputTests.Folders fixture;

        public FailedRuns(HostileInputTests.Folders folders) : base(folders) => fixture = folders;

        [Fact]
        public void A_diverged_run_leaves_no_folder_and_the_corrected_rerun_into_the_same_out_trains()
        {
            string dir = CaseFolder(), run = Path.Combine(dir, "out");
            var before = Snapshot(dir);
            string[] train = ["train", "--model", "vaease", "--data", HostileInputTests.Folders.Data, "--epochs", "1", "--out", run];
            AssertOneError(CliProcess.Run([.. train, "--lr", "1e30"]), alone: false, "training diverged: the loss became NaN (lower the learning rate with --lr)");
            Assert.Equal(before, Snapshot(dir));
            var rerun = CliProcess.Run(train);
            Assert.True(rerun.ExitCode == 0, rerun.Stderr);
            Assert.True(File.Exists(Path.Combine(run, ModelStore.WeightsFile)));
        }

        [Fact]
        public void A_streamed_run_that_meets_a_NaN_before_its_first_checkpoint_leaves_no_folder_and_reruns_once_the_data_is_fixed()
        {
            string dir = CaseFolder(), run = Path.Combine(dir, "out"), data = Matrix(Path.Combine(dir, "x.npy"), 600);
            byte[] good = File.ReadAllBytes(data), bad = [.. good];
            BitConverter.GetBytes(float.NaN).CopyTo(bad, bad.Length - 4 * 8 * 300); // row 300, column 0
            File.WriteAllBytes(data, bad);
            var before = Snapshot(dir);
            string[] train = ["train", "--model", "sae-l1", "--data", $"npy:{data}", "--stream", "--stream-block", "100", "--shuffle-buffer", "600", "--epochs", "1", "--out", run];
            AssertOneError(CliProcess.Run(train), alone: false, $"{data}: row 300 has a non-finite value at column 0 (NaN)");
            Assert.Equal(before, Snapshot(dir));
            File.WriteAllBytes(data, good);
            var rerun = CliProcess.Run(train);
            Assert.True(rerun.ExitCode == 0, rerun.Stderr);
        }

        [Fact]
        public void Labels_that_do_not_fit_a_streamed_matrix_are_refused_before_the_training_not_after_it()
        {
            string dir = CaseFolder(), data = Matrix(Path.Combine(dir, "x.npy"), 300), labels = Path.Combine(dir, "labels.npy");
            NpyReader.Write(labels, new long[299]);
            AssertRefused(dir, ["train", "--model", "sae-l1", "--data", $"npy:{data},labels={labels}", "--stream", "--epochs", "1", "--out", Path.Combine(dir, "out")], null,
                $"error: {labels}: 299 labels for the 300 rows of npy:{data},labels={labels}");
        }

        [Fact]
        public void A_folder_holding_a_resumable_run_is_not_replaced_by_a_new_run()
        {
            fixture.NeedRun();
            string dir = CaseFolder(), run = Path.Combine(dir, "run");
            AssertRefused(dir, ["train", "--model", "vaease", "--data", HostileInputTests.Folders.Data, "--out", run], null,
                $"error: {run} holds an unfinished run with a checkpoint; continue it with --resume, or remove the folder to start over");
        }
    }

    /// <summary>Class 8: what killed processes leave. Stale temp files of our naming go at the next write of their target,
    /// or when their run continues; a live process's stay. A set of files written together is sealed by a manifest that
    /// readers check, so that codes and active dims of two encodes are never paired.</summary>
    public sealed class Debris : HostileInputTests.Cases, IClassFixture<HostileInputTests.Folders>
    {
        private readonly HostileInputTests.Folders fixture;

        public Debris(HostileInputTests.Folders folders) : base(folders) => fixture = folders;

        [Fact]
        public void A_killed_encode_leaves_a_temp_file_that_the_next_encode_removes_and_readers_never_pair_two_encodes()
        {
            string dir = CaseFolder(), model = Path.Combine(dir, "model"), codes = Path.Combine(dir, "codes.npy");
            using (var slow = CliProcess.Start("encode", "--model", model, "--data", "linear:d=8,dims=2+2,n=200000,seed=3", "--batch", "1", "--out", codes))
            {
                WaitFor(() => TempFilesIn(dir).Length > 0 || slow.HasExited, "the encode's temp file");
                Assert.NotEqual(0, slow.Kill().ExitCode);
            }
            Assert.Single(TempFilesIn(dir));
            Assert.False(File.Exists(codes));

            var encode = CliProcess.Run("encode", "--model", model, "--data", HostileInputTests.Folders.Data, "--out", codes);
            Assert.True(encode.ExitCode == 0, encode.Stderr);
            Assert.Empty(TempFilesIn(dir));
            var (read, active) = CodeExport.ReadNpy(codes);
            using (read) Assert.Equal(2000, active.Length);

            // Active dims of another encode beside these codes (a kill between the two renames of a later encode leaves
            // its codes beside the old active dims, and no manifest).
            NpyReader.Write(CodeExport.ActiveDimsPath(codes), new int[2000]);
            Assert.Contains("codes.active.npy is not the file it sealed", Assert.Throws<VAEaseException>(() => CodeExport.ReadNpy(codes)).Message);
            File.Delete(CodeExport.ManifestPath(codes));
            Assert.Contains("codes.manifest.json is missing: the encode that wrote its files did not finish",
                Assert.Throws<VAEaseException>(() => CodeExport.ReadNpy(codes)).Message);
        }

        [Fact]
        public void The_orphan_temp_file_of_a_killed_training_goes_when_the_run_resumes_and_a_live_process_s_stays()
        {
            fixture.NeedRun();
            string dir = CaseFolder(), run = Path.Combine(dir, "run");
            string orphan = Path.Combine(run, $".{ModelStore.WeightsFile}.{DeadPid()}.tmp"), live = Path.Combine(run, $".{Trainer.MetricsFile}.{Environment.ProcessId}.tmp");
            File.WriteAllBytes(orphan, new byte[4096]);
            File.WriteAllBytes(live, new byte[16]);
            var resume = CliProcess.Run("train", "--out", run, "--resume");
            Assert.True(resume.ExitCode == 0, resume.Stderr);
            Assert.False(File.Exists(orphan));
            Assert.True(File.Exists(live));
            Assert.True(File.Exists(Path.Combine(run, ModelStore.WeightsFile)));
        }

        /// <summary>The PID of a process that has exited.</summary>
        private static int DeadPid()
        {
            using var process = Process.Start("true")!;
            process.WaitForExit();
            return process.Id;
        }
    }

    /// <summary>Class 9: a file truncated or rewritten while a run streams it, or while encode reads it. The reader checks
    /// the file before every block (it used to die of SIGBUS on a mapped page past the new end).</summary>
    public sealed class ChangingFiles(HostileInputTests.Folders folders) : HostileInputTests.Cases(folders), IClassFixture<HostileInputTests.Folders>
    {
        /// <summary>A streamed training slow enough to be caught in the middle: small blocks and batches, a checkpoint every 10 steps.</summary>
        private static string[] StreamedTraining(string data, string run) =>
            ["train", "--model", "sae-l1", "--data", $"npy:{data}", "--stream", "--stream-block", "64", "--shuffle-buffer", "256", "--batch", "64",
             "--epochs", "4", "--checkpoint-every", "10", "--out", run];

        /// <summary>Starts the training, changes the data once its first checkpoint is there, and returns what it printed.</summary>
        private static ChildProcess.Result ChangeWhileTraining(string data, string run, Action<string> change)
        {
            using var training = CliProcess.Start(StreamedTraining(data, run));
            WaitFor(() => Directory.Exists(Path.Combine(run, "checkpoint")) || training.HasExited, "the first checkpoint");
            change(data);
            return training.Wait();
        }

        [Fact]
        public void A_streamed_file_truncated_during_training_stops_it_with_one_error_and_a_checkpoint_and_the_run_resumes_once_it_is_back()
        {
            string dir = CaseFolder(), run = Path.Combine(dir, "run"), data = Matrix(Path.Combine(dir, "x.npy"), 20_000);
            byte[] whole = File.ReadAllBytes(data);
            var result = ChangeWhileTraining(data, run, file =>
            {
                using var stream = new FileStream(file, FileMode.Open);
                stream.SetLength(stream.Length / 2);
            });
            AssertOneError(result, alone: false, $"{data}: changed while it was being read (truncated from {whole.Length} to {whole.Length / 2} bytes)",
                $"with a checkpoint: once the data is repaired, continue with `vaease train --out {run} --resume`");
            Assert.True(File.Exists(Path.Combine(run, "checkpoint", "state.json")));
            Assert.False(File.Exists(Path.Combine(run, ModelStore.WeightsFile)));

            File.WriteAllBytes(data, whole);
            var resume = CliProcess.Run("train", "--out", run, "--resume");
            Assert.True(resume.ExitCode == 0, resume.Stderr);
            Assert.True(File.Exists(Path.Combine(run, ModelStore.WeightsFile)));
        }

        [Fact]
        public void A_streamed_file_rewritten_in_place_during_training_stops_it_with_one_error()
        {
            string dir = CaseFolder(), run = Path.Combine(dir, "run"), data = Matrix(Path.Combine(dir, "x.npy"), 20_000);
            var result = ChangeWhileTraining(data, run, file =>
            {
                using var stream = new FileStream(file, FileMode.Open);
                stream.Position = stream.Length - 4096;
                stream.Write(new byte[4096]); // the same size, other values
            });
            AssertOneError(result, alone: false, $"{data}: changed while it was being read (rewritten");
            Assert.True(File.Exists(Path.Combine(run, "checkpoint", "state.json")));
        }

        [Fact]
        public void A_file_truncated_while_encode_reads_it_stops_encode_with_one_error_and_no_output()
        {
            string dir = CaseFolder(), data = Matrix(Path.Combine(dir, "x.npy"), 100_000);
            var before = Snapshot(dir);
            ChildProcess.Result result;
            using (var encode = CliProcess.Start("encode", "--model", Path.Combine(dir, "model"), "--data", $"npy:{data}", "--batch", "1", "--out", Path.Combine(dir, "codes.npy")))
            {
                WaitFor(() => TempFilesIn(dir).Length > 0 || encode.HasExited, "the encode's temp file");
                using (var stream = new FileStream(data, FileMode.Open)) stream.SetLength(1 << 20);
                result = encode.Wait();
            }
            AssertOneError(result, alone: true, $"{data}: changed while it was being read (truncated from");
            before.Remove(data);
            var after = Snapshot(dir);
            after.Remove(data);
            Assert.Equal(before, after);
        }
    }

    /// <summary>Class 10: two processes in one run folder. The first holds the folder's lock for its lifetime; a second
    /// training or a --resume of the running one is refused without touching anything; the kernel drops the lock with
    /// its process, so a run killed with SIGKILL blocks nothing.</summary>
    public sealed class Concurrency(HostileInputTests.Folders folders) : HostileInputTests.Cases(folders), IClassFixture<HostileInputTests.Folders>
    {
        [Fact]
        public void A_second_training_and_a_resume_of_a_running_one_are_refused_and_a_killed_run_s_lock_and_files_block_nothing()
        {
            string dir = CaseFolder(), run = Path.Combine(dir, "run"), config = Path.Combine(run, ModelStore.ConfigFile);
            string[] train = ["train", "--model", "vaease", "--data", HostileInputTests.Folders.Data, "--epochs", "1", "--out", run];
            // One epoch of 56 000 steps, no checkpoint: long enough to be caught running.
            using (var first = CliProcess.Start("train", "--model", "vaease", "--data", "linear:d=8,dims=2+2,n=500000,seed=2", "--batch", "8", "--epochs", "1",
                       "--checkpoint-every", "0", "--out", run))
            {
                WaitFor(() => File.Exists(config) || first.HasExited, "the first run's config");
                Assert.False(first.HasExited);
                AssertOneError(CliProcess.Run(train), alone: true, $"error: {run} is in use by another vaease process");
                AssertOneError(CliProcess.Run("train", "--out", run, "--resume"), alone: true, $"error: {run} is in use by another vaease process");
                Assert.False(first.HasExited, "the refused runs stopped the first");
                first.Kill();
            }
            Assert.True(File.Exists(Path.Combine(run, RunLock.FileName)), "no stale lock to take over");
            Assert.True(File.Exists(config));

            var rerun = CliProcess.Run(train);
            Assert.True(rerun.ExitCode == 0, rerun.Stderr);
            Assert.Contains($"replacing the failed run in {run} (it left no model and no checkpoint)", rerun.Stderr);
            Assert.Equal([ModelStore.ConfigFile, Trainer.MetricsFile, ModelStore.WeightsFile],
                Directory.GetFileSystemEntries(run).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        }
    }
}
