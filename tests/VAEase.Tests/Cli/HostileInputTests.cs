using System.Security.Cryptography;
using VAEase.Data;
using VAEase.IO;
using VAEase.Models;
using VAEase.Tests.Training;
using VAEase.Training;
using static TorchSharp.torch;
using static VAEase.Tests.Data.IdxReaderTests;
using static VAEase.Tests.Data.NpyReaderTests;
using static VAEase.Tests.IO.SafeTensorsTests;

namespace VAEase.Tests.Cli;

/// <summary>Hostile inputs to the real `vaease` program (issue 16): data headers whose sizes overflow or break their
/// format's rules, checkpoints that were edited or damaged, and model folders whose config and weights disagree. Every
/// case must end with exit code 2, one error line naming the user's file, no stack trace, no new file and the user's
/// files as they were. One class per kind of input, so that xunit runs the three side by side.</summary>
public static class HostileInputTests
{
    /// <summary>Made once per class: a saved model (of normalised data, so it has normalization.safetensors) and, when
    /// asked for, a run interrupted at step 7 (epoch 1, batch 3 of 4), whose newest checkpoint is that of step 6.</summary>
    public sealed class Folders : IDisposable
    {
        public const string Data = "linear:d=8,dims=2+2,n=2000,seed=2";

        private readonly RunConfig run = WithCheckpoints(TrainingFixture.Run(ModelKind.VAEase, Data, epochs: 3, latent: 4));
        private readonly Lazy<string> interrupted;

        public string Root { get; } = TrainingFixture.TempDir();

        public Folders()
        {
            string model = Path.Combine(Root, "model");
            Directory.CreateDirectory(model);
            using Dataset data = DataSpec.Load(Data);
            using Normalization centre = Normalization.Of(NormalizeMode.Center, data.X)!;
            centre.Save(model);
            Json.Write(Path.Combine(model, ModelStore.ConfigFile), run with { Normalize = NormalizeMode.Center });
            manual_seed(5);
            using SparseAutoencoder untrained = ModelFactory.Create(run.Model);
            ModelStore.SaveWeights(Path.Combine(model, ModelStore.WeightsFile), untrained);
            interrupted = new(Interrupt);
        }

        /// <summary>Makes sure the interrupted run is there too.</summary>
        public void NeedRun() => _ = interrupted.Value;

        private string Interrupt()
        {
            string dir = Path.Combine(Root, "run");
            using Dataset data = DataSpec.Load(Data);
            Assert.Throws<IOException>(() => Trainer.Train(run, data, dir, new TrainOptions { Progress = new CheckpointTests.CrashAt(7) }));
            return dir;
        }

        /// <summary>4 steps per epoch and a checkpoint every 3: the crash at step 7 leaves the mid-epoch checkpoint of step 6.</summary>
        private static RunConfig WithCheckpoints(RunConfig run) => run with { Training = run.Training with { CheckpointEvery = 3 } };

        public void Dispose() => Directory.Delete(Root, recursive: true);
    }

    /// <summary>What every case does: copy the fixture's folders, change something, run vaease, check the refusal.</summary>
    public abstract class Cases(Folders folders)
    {
        /// <summary>A fresh folder for one case, with copies of the fixture's folders in it.</summary>
        protected string CaseFolder()
        {
            string dir = Path.Combine(folders.Root, Guid.NewGuid().ToString("N"));
            foreach (string source in new[] { "model", "run" }.Select(name => Path.Combine(folders.Root, name)).Where(Directory.Exists))
                foreach (string file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
                {
                    string copy = Path.Combine(dir, Path.GetRelativePath(folders.Root, file));
                    Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
                    File.Copy(file, copy);
                }
            return dir;
        }

        /// <summary>Everything under the folder (hidden files too): each file with the SHA-256 of its content (a file over
        /// 64 MB, such as a sparse file of terabytes, by its length and time of last write), each folder as such.</summary>
        protected static Dictionary<string, string> Snapshot(string dir) =>
            Directory.GetFileSystemEntries(dir, "*", SearchOption.AllDirectories).ToDictionary(f => f, f =>
                Directory.Exists(f) ? "folder"
                : new FileInfo(f).Length > 64 << 20 ? $"{new FileInfo(f).Length} bytes written {File.GetLastWriteTimeUtc(f):O}"
                : Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));

        /// <summary>Runs vaease on the files of <paramref name="dir"/> and asserts the refusal: exit code 2, exactly one line
        /// "error: ..." containing every fragment, no stack trace, and the folder's files the same, no new ones.</summary>
        protected static void AssertRefused(string dir, string[] args, IReadOnlyDictionary<string, string>? environment, params string[] fragments)
        {
            var before = Snapshot(dir);
            var result = CliProcess.Run(environment ?? new Dictionary<string, string>(), args);
            AssertOneError(result, alone: true, fragments);
            Assert.Equal(before, Snapshot(dir));
        }

        /// <summary>Asserts exit code 2 and exactly one line "error: ..." on stderr, its last, containing every fragment, and no
        /// stack trace; <paramref name="alone"/>: nothing else on stderr (a run that had started may have announced itself
        /// and shown progress first). Returns the error line.</summary>
        private protected static string AssertOneError(ChildProcess.Result result, bool alone, params string[] fragments)
        {
            Assert.True(result.ExitCode == 2, $"exit code {result.ExitCode}: {result.Stderr}");
            string[] lines = result.Stderr.TrimEnd('\n').Split('\n');
            string message = lines[^1];
            Assert.True(message.StartsWith("error: ", StringComparison.Ordinal) && lines.Count(l => l.StartsWith("error", StringComparison.Ordinal)) == 1 &&
                        (!alone || lines.Length == 1), $"not one error line: {result.Stderr}");
            Assert.True(!result.Stderr.Contains("Exception") && !result.Stderr.Contains("   at "), $"a stack trace: {result.Stderr}");
            foreach (string fragment in fragments) Assert.True(message.Contains(fragment), $"'{fragment}' is not in: {message}");
            return message;
        }

        protected static string Safetensors(string header, int dataBytes) => Convert.ToBase64String(Hand(header, dataBytes));

        protected static string Npy(string shape, int dataBytes, string descr = "<f4", bool fortran = false) =>
            Convert.ToBase64String(Data.NpyReaderTests.Npy(Dict(descr, shape, fortran), new byte[dataBytes]));

        protected const string Wrapped = "{\"x\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904,4],\"data_offsets\":[0,0]}}";

        /// <summary>Replaces text in a file, byte for byte outside it (Latin-1 maps bytes to characters one to one), so that
        /// the JSON header of a safetensors file can be edited too.</summary>
        protected static void Edit(string file, string from, string to)
        {
            string text = System.Text.Encoding.Latin1.GetString(File.ReadAllBytes(file));
            Assert.Contains(from, text);
            File.WriteAllBytes(file, System.Text.Encoding.Latin1.GetBytes(text.Replace(from, to)));
        }

        /// <summary>Reads the tensors of the file, lets <paramref name="change"/> alter them and writes them back.</summary>
        protected static void Rewrite(string file, Action<Dictionary<string, Tensor>> change)
        {
            Dictionary<string, Tensor> tensors = SafeTensors.Read(file);
            change(tensors);
            SafeTensors.Write(file, tensors);
        }
    }

    /// <summary>Class 1: data files whose headers lie. Each file is read by `train` (loaded into memory), `train --stream`
    /// (memory-mapped) or `encode` (memory-mapped, a batch at a time).</summary>
    public sealed class DataHeaders(Folders folders) : Cases(folders), IClassFixture<Folders>
    {
        // File contents are base64 strings so that each case shows as its own test.
        public static TheoryData<string, string, string, string> HostileData => new()
        {
            { "train", "x.safetensors", Safetensors(Wrapped, 0), "tensor 'x': shape [4611686018427387904, 4] of F32 has more than 9223372036854775807 bytes" },
            { "stream", "x.safetensors", Safetensors(Wrapped, 0), "tensor 'x': shape [4611686018427387904, 4] of F32 has more than 9223372036854775807 bytes" },
            { "encode", "x.safetensors", Safetensors(Wrapped, 0), "tensor 'x': shape [4611686018427387904, 4] of F32 has more than 9223372036854775807 bytes" },
            { "stream", "x.safetensors", Safetensors("{\"a\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]},\"b\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[8,24]}}", 24),
                "the data of tensor 'b' overlaps that of tensor 'a'" },
            { "train", "x.safetensors", Safetensors("{\"x\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[8,24]}}", 24), "8 bytes before the data of tensor 'x' belong to no tensor" },
            { "encode", "x.safetensors", Safetensors("{\"x\":{\"dtype\":\"F32\",\"shape\":[1000000,8],\"data_offsets\":[0,32000000]}}", 64), "tensor 'x': data offsets [0, 32000000] end past the file's 64 data bytes" },
            { "train", "x.safetensors", Convert.ToBase64String([.. BitConverter.GetBytes(ulong.MaxValue), .. "{}"u8]), "header length 18446744073709551615 exceeds the file size" },
            { "stream", "x.npy", Npy("(4611686018427387904, 4)", 0), "shape (4611686018427387904, 4) of '<f4' has more than 9223372036854775807 bytes" },
            { "train", "x.npy", Npy("(99999999999999999999, 8)", 0), "malformed .npy header (shape entry 99999999999999999999 exceeds 9223372036854775807" },
            { "encode", "x.npy", Npy("(-4, 8)", 128), "malformed .npy header (shape entries must be non-negative integers" },
            { "stream", "x.npy", Npy("(1000000000, 8)", 128, fortran: true), "truncated: shape (1000000000, 8) of '<f4' needs 32000000000 data bytes, the file has 128" },
            { "stream", "x.npy", Npy("(1000000000, 8)", 128), "truncated: shape (1000000000, 8) of '<f4' needs 32000000000 data bytes, the file has 128" },
        };

        [Theory]
        [MemberData(nameof(HostileData))]
        public void A_data_file_whose_header_lies_is_refused_by_train_stream_and_encode(string command, string name, string content, string problem)
        {
            string dir = CaseFolder(), file = Path.Combine(dir, name);
            File.WriteAllBytes(file, Convert.FromBase64String(content));
            string spec = $"{Path.GetExtension(name)[1..]}:{file}";
            string[] args = command == "encode"
                ? ["encode", "--model", Path.Combine(dir, "model"), "--data", spec, "--out", Path.Combine(dir, "codes.npy")]
                : ["train", "--model", "vaease", "--data", spec, "--out", Path.Combine(dir, "out"), "--epochs", "1", .. command == "stream" ? new[] { "--stream" } : []];
            AssertRefused(dir, args, null, $"error: {file}: {problem}");
        }

        [Fact]
        public void A_shard_folder_with_one_lying_shard_and_a_lying_label_file_are_refused()
        {
            string dir = CaseFolder(), shards = Path.Combine(dir, "shards");
            Directory.CreateDirectory(shards);
            using (Tensor x = randn(20, 8)) NpyReader.Write(Path.Combine(shards, "a.npy"), x);
            File.WriteAllBytes(Path.Combine(shards, "b.npy"), Convert.FromBase64String(Npy("(2305843009213693952, 8)", 0)));
            AssertRefused(dir, ["train", "--model", "vaease", "--data", $"shards:{shards}", "--out", Path.Combine(dir, "out")], null,
                $"{Path.Combine(shards, "b.npy")}: shape (2305843009213693952, 8) of '<f4' has more than");

            File.Delete(Path.Combine(shards, "b.npy"));
            string labels = Path.Combine(dir, "labels.npy");
            File.WriteAllBytes(labels, Convert.FromBase64String(Npy("(4611686018427387904,)", 8, descr: "<i8")));
            AssertRefused(dir, ["train", "--model", "vaease", "--data", $"shards:{shards},labels={labels}", "--out", Path.Combine(dir, "out")], null,
                $"{labels}: 4611686018427387904 labels are too many to hold in memory");
        }

        [Fact]
        public void An_image_set_whose_idx_header_declares_a_million_images_in_a_few_bytes_is_refused()
        {
            string dir = CaseFolder(), mnist = Path.Combine(dir, "data", "mnist");
            Directory.CreateDirectory(mnist);
            File.WriteAllBytes(Path.Combine(mnist, "train-images-idx3-ubyte"), Idx([1_000_000, 28, 28], new byte[784]));
            File.WriteAllBytes(Path.Combine(mnist, "train-labels-idx1-ubyte"), Idx([1], [3]));
            File.WriteAllBytes(Path.Combine(mnist, "t10k-images-idx3-ubyte"), Idx([1, 28, 28], new byte[784]));
            File.WriteAllBytes(Path.Combine(mnist, "t10k-labels-idx1-ubyte"), Idx([1], [3]));
            var environment = new Dictionary<string, string> { ["VAEASE_DATA_DIR"] = Path.Combine(dir, "data") };
            AssertRefused(dir, ["train", "--model", "vaease", "--data", "mnist", "--out", Path.Combine(dir, "out")], environment,
                $"{Path.Combine(mnist, "train-images-idx3-ubyte")}: truncated: the IDX header declares 784000000 data bytes but the file holds only 784");
        }

        [Fact]
        public void A_folder_given_as_an_npy_or_safetensors_file_is_named_a_directory_not_a_missing_file()
        {
            string dir = CaseFolder(), shards = Path.Combine(dir, "shards");
            Directory.CreateDirectory(shards);
            foreach (string kind in new[] { "npy", "safetensors" })
                AssertRefused(dir, ["train", "--model", "vaease", "--data", $"{kind}:{shards}", "--out", Path.Combine(dir, "out")], null,
                    $"error: {shards} is a directory, not a .{kind} file (a folder of .npy or .safetensors shards is read with shards:{shards})");
        }

        [Fact]
        public void Control_characters_of_a_file_name_are_escaped_in_the_message()
        {
            string dir = CaseFolder(), file = Path.Combine(dir, "evil\u001b[31mred\nline.npy");
            File.WriteAllBytes(file, Convert.FromBase64String(Npy("(4611686018427387904, 4)", 0)));
            AssertRefused(dir, ["train", "--model", "vaease", "--data", $"npy:{file}", "--out", Path.Combine(dir, "out")], null,
                $"{dir}/evil\\u001b[31mred\\u000aline.npy: shape (4611686018427387904, 4)");
        }
    }

    /// <summary>Class 2: checkpoints. `train --resume` of the interrupted run after the change; the checkpoint is that of
    /// step 6. Edits inside the checkpoint meet its checksums; changes of the run's config.json meet the checks of the
    /// position and the weights against the run.</summary>
    public sealed class Checkpoints : Cases, IClassFixture<Folders>
    {
        public Checkpoints(Folders folders) : base(folders) => folders.NeedRun();

        [Theory]
        [InlineData("state: step -5", "checkpoint/state.json: its checksum does not match its content (edited or damaged); refusing to resume from this checkpoint")]
        [InlineData("state: epoch 999", "checkpoint/state.json: its checksum does not match its content")]
        [InlineData("state: batch past the epoch", "checkpoint/state.json: its checksum does not match its content")]
        [InlineData("state: garbage noise_state", "checkpoint/state.json: its checksum does not match its content")]
        [InlineData("state: no checksum", "checkpoint/state.json: it has no checksum")]
        [InlineData("state: not JSON", "checkpoint/state.json: invalid JSON")]
        [InlineData("weights of another shape", "checkpoint/state.json: model.safetensors does not match its checksum")]
        [InlineData("optimizer: one byte changed", "checkpoint/state.json: optimizer.safetensors does not match its checksum")]
        [InlineData("a stray file", "checkpoint/state.json: it lists the files model.safetensors, optimizer.safetensors, the folder holds model.safetensors, notes.txt, optimizer.safetensors")]
        [InlineData("config: fewer epochs", "checkpoint/state.json: epoch 1 is outside the run's epochs 0..0")]
        [InlineData("config: larger batches", "checkpoint/state.json: batch 2 is outside an epoch of 2 batches")]
        [InlineData("config: another latent", "checkpoint/model.safetensors: tensor 'encoder.0.weight' has shape [8, 8], but the model of {0}/config.json needs [10, 8]")]
        [InlineData("config: latent 6*10^7", "checkpoint/model.safetensors: 329 values cannot be the weights of the model of {0}/config.json (latent 60000000, d = 8)")]
        [InlineData("config: latent 10^9", "config.json: must be in [1, 67108864], got 1000000000 (Parameter 'Latent')")]
        public void A_checkpoint_that_was_edited_damaged_or_no_longer_fits_its_run_is_refused_not_resumed(string change, string problem)
        {
            string dir = CaseFolder(), run = Path.Combine(dir, "run"), checkpoint = Path.Combine(run, "checkpoint");
            string state = Path.Combine(checkpoint, "state.json"), config = Path.Combine(run, ModelStore.ConfigFile);
            switch (change)
            {
                case "state: step -5": Edit(state, "\"step\": 6,", "\"step\": -5,"); break;
                case "state: epoch 999": Edit(state, "\"epoch\": 1,", "\"epoch\": 999,"); break;
                case "state: batch past the epoch": Edit(state, "\"batch\": 2,", "\"batch\": 40,"); break;
                case "state: garbage noise_state": Edit(state, "\"noise_state\": \"", "\"noise_state\": \"%%"); break;
                case "state: no checksum": Edit(state, "\"checksum\": \"", "\"_\": \""); break;
                case "state: not JSON": File.WriteAllText(state, "{\"step\": "); break;
                case "weights of another shape":
                    using (SparseAutoencoder other = ModelFactory.Create(Json.Read<RunConfig>(config).Model with { Latent = 6 }))
                        ModelStore.SaveWeights(Path.Combine(checkpoint, ModelStore.WeightsFile), other);
                    break;
                case "optimizer: one byte changed":
                    byte[] bytes = File.ReadAllBytes(Path.Combine(checkpoint, "optimizer.safetensors"));
                    bytes[^9] ^= 1;
                    File.WriteAllBytes(Path.Combine(checkpoint, "optimizer.safetensors"), bytes);
                    break;
                case "a stray file": File.WriteAllText(Path.Combine(checkpoint, "notes.txt"), "mine"); break;
                case "config: fewer epochs": Edit(config, "\"epochs\": 3,", "\"epochs\": 1,"); break;
                case "config: larger batches": Edit(config, "\"batch_size\": 512,", "\"batch_size\": 1024,"); break;
                case "config: another latent": Edit(config, "\"latent\": 4,", "\"latent\": 5,"); break;
                case "config: latent 6*10^7": Edit(config, "\"latent\": 4,", "\"latent\": 60000000,"); break;
                case "config: latent 10^9": Edit(config, "\"latent\": 4,", "\"latent\": 1000000000,"); break;
            }
            AssertRefused(dir, ["train", "--out", run, "--resume"], null, $"error: {run}/{string.Format(problem, run)}");
        }
    }

    /// <summary>Class 3: model folders. `eval` and `encode` of the saved model after the change.</summary>
    public sealed class ModelFolders(Folders folders) : Cases(folders), IClassFixture<Folders>
    {
        [Theory]
        [InlineData("eval", "config: another latent", "model.safetensors: tensor 'encoder.0.weight' has shape [8, 8], but the model of {0}/config.json needs [10, 8]")]
        [InlineData("encode", "config: another latent", "model.safetensors: tensor 'encoder.0.weight' has shape [8, 8], but the model of {0}/config.json needs [10, 8]")]
        [InlineData("eval", "config: another kind", "model.safetensors: tensor 'encoder.6.weight' has shape [8, 8], but the model of {0}/config.json needs [4, 8]")]
        [InlineData("eval", "config: latent 6*10^7", "model.safetensors: 329 values cannot be the weights of the model of {0}/config.json (latent 60000000, d = 8)")]
        [InlineData("encode", "config: latent 10^9", "config.json: must be in [1, 67108864], got 1000000000 (Parameter 'Latent')")]
        [InlineData("eval", "weights: NaN", "model.safetensors: tensor 'decoder.weight' has 1 non-finite value (NaN or infinity)")]
        [InlineData("encode", "weights: infinity", "model.safetensors: tensor 'decoder.bias' has 8 non-finite values (NaN or infinity)")]
        [InlineData("eval", "weights: one missing", "model.safetensors: no tensor 'decoder.bias', which the model of {0}/config.json has")]
        [InlineData("encode", "weights: one extra", "model.safetensors: tensor 'extra' is not part of the model of {0}/config.json")]
        [InlineData("eval", "weights: float64", "model.safetensors: tensor 'decoder.weight' is F64, but the model of {0}/config.json needs F32")]
        [InlineData("eval", "weights: lying header", "model.safetensors: tensor 'log_gamma': header/shape mismatch: shape [] of F32 needs 4 bytes, its data offsets span 0")]
        [InlineData("eval", "normalisation: NaN mean", "normalization.safetensors: tensor 'mean' has 1 non-finite value (NaN or infinity)")]
        [InlineData("encode", "normalisation: zero scale", "normalization.safetensors: the scale 0 is not positive")]
        public void A_model_folder_whose_config_and_weights_disagree_is_refused_by_eval_and_encode(string command, string change, string problem)
        {
            string dir = CaseFolder(), model = Path.Combine(dir, "model");
            string config = Path.Combine(model, ModelStore.ConfigFile), weights = Path.Combine(model, ModelStore.WeightsFile);
            string normalization = Path.Combine(model, Normalization.File);
            switch (change)
            {
                case "config: another latent": Edit(config, "\"latent\": 4,", "\"latent\": 5,"); break;
                case "config: another kind": Edit(config, "\"kind\": \"vaease\"", "\"kind\": \"sae-l1\""); break;
                case "config: latent 6*10^7": Edit(config, "\"latent\": 4,", "\"latent\": 60000000,"); break;
                case "config: latent 10^9": Edit(config, "\"latent\": 4,", "\"latent\": 1000000000,"); break;
                case "weights: NaN": Rewrite(weights, t => t["decoder.weight"][3, 1] = float.NaN); break;
                case "weights: infinity": Rewrite(weights, t => t["decoder.bias"].fill_(float.PositiveInfinity)); break;
                case "weights: one missing": Rewrite(weights, t => t.Remove("decoder.bias")); break;
                case "weights: one extra": Rewrite(weights, t => t["extra"] = zeros(2)); break;
                case "weights: float64": Rewrite(weights, t => t["decoder.weight"] = t["decoder.weight"].to(ScalarType.Float64)); break;
                case "weights: lying header": Edit(weights, "\"data_offsets\":[0,", "\"data_offsets\":[4,"); break;
                case "normalisation: NaN mean": Rewrite(normalization, t => t["mean"][2] = float.NaN); break;
                case "normalisation: zero scale": Rewrite(normalization, t => t["scale"].zero_()); break;
            }
            string[] args = command == "eval" ? ["eval", "--model", model]
                : ["encode", "--model", model, "--data", Folders.Data, "--out", Path.Combine(dir, "codes.npy")];
            AssertRefused(dir, args, null, $"error: {model}/{string.Format(problem, model)}");
        }
    }
}
