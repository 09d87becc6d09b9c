using System.CommandLine;
using VAEase.Data;
using VAEase.Evaluation;
using VAEase.Experiments;
using VAEase.IO;
using VAEase.Models;
using VAEase.Networks;
using VAEase.Training;

namespace VAEase.Cli;

/// <summary>`vaease train`: options -> RunConfig (recipe defaults &lt; --config file &lt; flags) -> Trainer.</summary>
public static class TrainCommand
{
    static readonly Option<string> Model = new("--model", "-m") { Description = "vaease | vae | sae-l1 | sae-log | sae-topk | sae-batchtopk | sae-jumprelu" };
    static readonly Option<string> Data = new("--data", "-d") { Description = "data spec, e.g. table2-linear or linear:d=40,dims=4+4+4,n=500000 (see `vaease demo --help` for all)" };
    static readonly Option<string> Out = new("--out", "-o") { Description = "output folder: config.json, model.safetensors, metrics.json, checkpoints; new or empty, or holding only the config.json of this run (planned by `vaease sweep`)", Required = true };
    internal static readonly Option<int?> Latent = new("--latent") { Description = "latent dimension kappa (recipe: 20 linear, 60 mlp)" };
    static readonly Option<string> Epochs = new("--epochs") { Description = "epochs (recipe: 150 linear, 310 mlp), or auto: train at the peak rate until active dims, dead latents and gamma stop changing, then cool down and stop (capped by --max-epochs)" };
    static readonly Option<int?> MaxEpochs = new("--max-epochs") { Description = "--epochs auto: the most epochs it may take (default: the recipe's epochs)" };
    static readonly Option<int?> Batch = new("--batch") { Description = "batch size (recipe: 1024)" };
    static readonly Option<double?> Lr = new("--lr") { Description = "peak learning rate (recipe: 0.01 VAE family / 0.002 SAEs on linear, 0.005 on mlp)" };
    static readonly Option<long?> Seed = new("--seed") { Description = "seed of initialisation, split, batch order and noise (default 1)" };
    static readonly Option<string> ConfigFile = new("--config") { Description = "a JSON RunConfig (e.g. another run's config.json) used as the defaults" };
    static readonly Option<bool> Resume = new("--resume") { Description = "continue the run in --out from its newest checkpoint" };
    static readonly Option<string> Encoder = new("--encoder") { Description = "linear | swish-mlp | residual-mlp | one-layer | residual-conv" };
    static readonly Option<string> Decoder = new("--decoder") { Description = "linear | mlp | residual-mlp | residual-conv" };
    static readonly Option<string> VarianceBoundOption = new("--variance-bound") { Description = "VAE family: softplus (default; smooth) | clamp (the authors' min(raw, 0))" };
    static readonly Option<double?> LogGammaInit = new("--log-gamma-init") { Description = "VAE family with --gamma learned: initial log gamma (recipe: -0.5 synthetic, -7 images, -10 llm-act, -15 embeddings)" };
    internal static readonly Option<string> GammaOption = new("--gamma") { Description = "VAE family: anchored (recipe; learned, started at e^-2 times the data variance per coordinate and kept at least e^-2 times its optimum SSE/d: no initial value) | learned (the authors: started at --log-gamma-init)" };
    internal static readonly Option<bool?> Reopen = new("--reopen") { Description = "VAE family: put latents that sit at the prior on every input back on trial during the first 3/4 of the run (recipe: true for the VAE family)" };
    static readonly Option<double?> L1 = new("--l1") { Description = "SAE-l1/log: sparsity penalty weight lambda1" };
    static readonly Option<double?> L2 = new("--l2") { Description = "SAE-l1/log: decoder weight penalty lambda2" };
    static readonly Option<double?> LogEps = new("--log-eps") { Description = "SAE-log: eps in log(|z| + eps) (default 1e-4)" };
    static readonly Option<int?> TopK = new("--topk") { Description = "SAE-TopK: k; SAE-BatchTopK: the mean k per sample over a batch (recipe: the largest manifold's dimension, 16 images, 30 text)" };
    static readonly Option<double?> L0 = new("--l0") { Description = "SAE-JumpReLU: weight lambda of the L0 penalty, the nonzeros per sample; L0 falls as it grows (default 0.1, measured on the synthetic linear union only)" };
    static readonly Option<double?> JumpBandwidth = new("--jump-bandwidth") { Description = "SAE-JumpReLU: bandwidth eps of the thresholds' straight-through gradient (default 0.05; the JumpReLU paper's 0.001 barely moves them on data of our scale)" };
    static readonly Option<double?> JumpThreshold = new("--jump-threshold") { Description = "SAE-JumpReLU: initial threshold of every latent (default 0.1; the JumpReLU paper's 0.001 leaves always-on latents with deep encoders)" };
    internal static readonly Option<int?> T0 = new("--t0") { Description = "steps in the first cosine cycle (recipe: 10, but 0 for VAEase and VAE on linear unions); 0: one cycle over the whole run" };
    internal static readonly Option<bool?> AlignRestarts = new("--align-restarts") { Description = "stretch T_0 so the last cosine cycle ends with the run (default true; false: the authors' schedule)" };
    internal static readonly Option<string> Precision = new("--precision") { Description = "fp32 (default) | bf16: the linear layers multiply in bfloat16 while training (mixed precision; ~2x the GEMM rate on CPUs with AVX512-BF16/AMX; evaluation stays fp32; not for conv models)" };
    static readonly Option<int?> CheckpointEvery = new("--checkpoint-every") { Description = "steps between checkpoints (default 2000; 0: epoch ends only)" };
    static readonly Option<bool> Stream = new("--stream") { Description = "stream npy:/safetensors:/shards: data from disk through a shuffle buffer instead of loading it (docs/streaming.md)" };
    static readonly Option<int?> ShuffleBuffer = new("--shuffle-buffer") { Description = "--stream: rows shuffled together in memory (default 65536; memory ~ (buffer + batch) * d * 4 bytes)" };
    static readonly Option<int?> StreamBlock = new("--stream-block") { Description = "--stream: rows per block, the unit of reads, shuffling and the held-out split (default 1024)" };
    static readonly Option<int?> EvalRows = new("--eval-rows") { Description = "--stream: held-out rows evaluated at most (default 65536)" };
    static readonly Option<string> Normalize = new("--normalize") { Description = "none (default) | center | center-scale: statistics of the training rows, saved with the model and applied by eval and encode" };
    internal static readonly Option<string> DeviceOption = new("--device") { Description = "cpu | cuda | cuda:N", DefaultValueFactory = _ => "cpu" };
    internal static readonly Option<int?> Threads = new("--threads") { Description = "CPU threads for libtorch (default: libtorch's choice)" };

    public static Command Create()
    {
        var command = new Command("train", "Train one model and save it (config.json + model.safetensors + metrics.json).")
        {
            Model, Data, Out, Latent, Epochs, MaxEpochs, Batch, Lr, Seed, ConfigFile, Resume, Encoder, Decoder, VarianceBoundOption,
            LogGammaInit, GammaOption, Reopen, L1, L2, LogEps, TopK, L0, JumpBandwidth, JumpThreshold, T0, AlignRestarts, Precision, CheckpointEvery, Stream, ShuffleBuffer, StreamBlock, EvalRows, Normalize,
            DeviceOption, Threads,
        };
        command.SetAction(parse => Cli.WithCancellation(token => Run(parse, token)));
        return command;
    }

    private static int Run(ParseResult parse, CancellationToken token)
    {
        string outDir = parse.GetValue(Out)!;
        var device = Devices.Setup(parse.GetValue(DeviceOption)!, parse.GetValue(Threads));
        bool resume = parse.GetValue(Resume);
        RunConfig? fresh = resume ? null : NewConfig(parse); // a bad option is refused before the folder is touched
        if (fresh is not null) Guard(fresh, parse.GetValue(ConfigFile), outDir);
        // A member that `vaease sweep` planned: its config.json and nothing else (another config is refused, listing the fields).
        bool planned = fresh is not null && RunFolder.IsPlanned(outDir, ModelStore.ConfigFile, fresh, "training");
        // Claimed before anything in the folder is read or written: a second training or a --resume of a running one
        // would otherwise delete its checkpoints.
        using RunLock claim = RunLock.Acquire(outDir);
        RunConfig run = fresh ?? ResumedConfig(parse, outDir);
        if (fresh is null) Guard(run, null, outDir);
        if (fresh is not null && !planned && RunFiles.Autoencoder.ClearForNewRun(outDir))
            Console.Error.WriteLine($"replacing the failed run in {outDir} (it left no model and no checkpoint)");
        try
        {
            return Train(run, outDir, resume, device, token);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            RunFiles.Autoencoder.AfterFailure(outDir); // what a failed run wrote would only block the corrected rerun
            throw;
        }
    }

    /// <summary>Refuses an --out that is, or lies inside, what the run reads (its data, the --config file).</summary>
    private static void Guard(RunConfig run, string? configFile, string outDir)
    {
        var guard = new OutputGuard().Data(run.Data);
        if (configFile is not null) guard.InputFile(configFile, "the --config file");
        guard.OutputFolder(outDir, "--out");
    }

    private static int Train(RunConfig run, string outDir, bool resume, TorchSharp.torch.Device device, CancellationToken token)
    {
        using (RunData data = RunData.Open(run, outDir))
        {
            IBatchSource train = data.Train;
            run = run with { Model = run.Model with { InputDim = train.Dim } };
            run.Validate();
            Dataset test = data.Test(); // read (and checked) now: a bad held-out row found after the training would fail a finished run
            string label = Json.Name(run.Model.Kind);
            string streamed = run.Stream is { } s ? $", streamed through a {s.ShuffleBuffer}-row shuffle buffer" : "";
            string normalized = run.Normalize == NormalizeMode.None ? "" : $", normalised ({Json.Name(run.Normalize)})";
            string precision = run.Training.MatmulPrecision == MatmulPrecision.Float32 ? "" : $", {Json.Name(run.Training.MatmulPrecision)} products";
            void Starting() // once a resumed run's checkpoint has passed its checks: a refused one prints its error alone
            {
                Devices.UseThreadsFor(run);
                Console.Error.WriteLine($"training {label} on {run.Data}: {train.Count} train / {data.TestCount} test samples{streamed}{normalized}, d = {train.Dim}, kappa = {run.Model.Latent}, " +
                                        $"{(run.Training.StopWhenSettled ? $"until settled (at most {run.Training.Epochs})" : run.Training.Epochs)} epochs of {Trainer.BatchesPerEpoch(train.Count, run.Training.BatchSize)} steps, {TorchSharp.torch.get_num_threads()} threads{precision}");
            }
            TrainResult result = Trainer.Train(run, train, outDir, new TrainOptions
            {
                Device = device, Resume = resume, Progress = new ProgressBar(label), Cancellation = token, Starting = Starting,
            });
            using var model = result.Model;
            EvalReport report = Evaluator.Evaluate(model, test, device: device);
            if (result.Stopped is { } why) Console.WriteLine($"stopped after {result.History.Count} epochs: {why}");
            Console.WriteLine($"trained {label} in {result.Seconds:F1} s; test split: RE {report.Re:G4}, FVU {report.Fvu:G4}, L0 {report.L0:F2}, mean active dims {report.MeanActiveDims:F2}" +
                              (report.ActiveDimsPerGroup is { } g ? $", per group {string.Join("/", g.Values)}" : ""));
            Console.WriteLine($"saved to {outDir} (evaluate with: vaease eval --model {outDir})");
        }
        return 0;
    }

    private static RunConfig ResumedConfig(ParseResult parse, string outDir)
    {
        Option[] configOptions = [Model, Data, Latent, Epochs, MaxEpochs, Batch, Lr, Seed, ConfigFile, Encoder, Decoder, VarianceBoundOption, LogGammaInit, GammaOption, Reopen, L1, L2, LogEps, TopK, L0, JumpBandwidth, JumpThreshold, T0, AlignRestarts, Precision, CheckpointEvery,
            Stream, ShuffleBuffer, StreamBlock, EvalRows, Normalize];
        if (configOptions.FirstOrDefault(o => parse.GetResult(o) is { Implicit: false }) is { } given)
            throw new VAEaseException($"--resume continues with {Path.Combine(outDir, ModelStore.ConfigFile)}; {given.Name} cannot change it");
        string path = Path.Combine(outDir, ModelStore.ConfigFile);
        if (!File.Exists(path)) throw new VAEaseException($"nothing to resume in {outDir} ({ModelStore.ConfigFile} is missing)");
        if (RunFiles.Autoencoder.IsFinished(outDir))
            throw new VAEaseException($"the run in {outDir} has already finished ({ModelStore.WeightsFile} exists)");
        RunConfig run = Json.Read<RunConfig>(path);
        try { return run.Validate(); }
        catch (ArgumentException e) { throw new VAEaseException($"{path}: {e.Message}", e); }
    }

    private static RunConfig NewConfig(ParseResult parse)
    {
        RunConfig? file = parse.GetValue(ConfigFile) is { } path ? Json.Read<RunConfig>(path) : null;
        string data = parse.GetValue(Data) ?? file?.Data ?? throw new VAEaseException("--data is required (e.g. --data table2-linear)");
        string? modelName = parse.GetValue(Model);
        if (modelName is null && file is null) throw new VAEaseException("--model is required (vaease, vae, sae-l1, sae-log, sae-topk, sae-batchtopk or sae-jumprelu)");
        ModelKind kind = modelName is null ? file!.Model.Kind : Naming.Parse<ModelKind>(modelName, "model");
        RunConfig run = file is not null ? file with { Data = data, Model = file.Model with { Kind = kind } } : Recipes.For(kind, data);

        ModelConfig m = run.Model;
        m = m with
        {
            Latent = parse.GetValue(Latent) ?? m.Latent,
            Encoder = parse.GetValue(Encoder) is { } e ? Naming.Parse<EncoderKind>(e, "encoder") : m.Encoder,
            Decoder = parse.GetValue(Decoder) is { } d ? Naming.Parse<DecoderKind>(d, "decoder") : m.Decoder,
            VarianceBound = parse.GetValue(VarianceBoundOption) is { } vb ? Naming.Parse<VarianceBound>(vb, "variance bound") : m.VarianceBound,
            LogGammaInit = parse.GetValue(LogGammaInit) ?? m.LogGammaInit,
            Gamma = parse.GetValue(GammaOption) is { } gm ? Naming.Parse<GammaMode>(gm, "gamma mode") : m.Gamma,
            L1 = parse.GetValue(L1) ?? m.L1,
            L2 = parse.GetValue(L2) ?? m.L2,
            LogEps = parse.GetValue(LogEps) ?? m.LogEps,
            TopK = parse.GetValue(TopK) ?? m.TopK,
            L0 = parse.GetValue(L0) ?? m.L0,
            JumpBandwidth = parse.GetValue(JumpBandwidth) ?? m.JumpBandwidth,
            JumpThreshold = parse.GetValue(JumpThreshold) ?? m.JumpThreshold,
        };
        TrainConfig t = run.Training;
        var (epochs, auto) = EpochsOf(parse, t);
        t = t with
        {
            Epochs = epochs,
            StopWhenSettled = auto,
            BatchSize = parse.GetValue(Batch) ?? t.BatchSize,
            LearningRate = parse.GetValue(Lr) ?? t.LearningRate,
            Seed = parse.GetValue(Seed) ?? t.Seed,
            RestartPeriod = parse.GetValue(T0) ?? t.RestartPeriod,
            AlignRestarts = parse.GetValue(AlignRestarts) ?? t.AlignRestarts,
            CheckpointEvery = parse.GetValue(CheckpointEvery) ?? t.CheckpointEvery,
            MatmulPrecision = PrecisionOf(parse) ?? t.MatmulPrecision,
            ReopenDeadLatents = parse.GetValue(Reopen) ?? t.ReopenDeadLatents,
        };
        NormalizeMode normalize = parse.GetValue(Normalize) is { } n ? Naming.Parse<NormalizeMode>(n, "normalisation") : run.Normalize;
        run = run with { Model = m, Training = t, Stream = StreamOptions(parse, run.Stream), Normalize = normalize };
        // Validated now with d from the data's header, before the data is loaded and anything is written (and again
        // once the data has set the input dimension).
        (run with { Model = m with { InputDim = DataSpec.Describe(data).Dim } }).Validate();
        return run;
    }

    /// <summary>--epochs N, or auto (with --max-epochs as the cap); --max-epochs only with auto.</summary>
    private static (int Epochs, bool Auto) EpochsOf(ParseResult parse, TrainConfig defaults)
    {
        string? text = parse.GetValue(Epochs);
        int? max = parse.GetValue(MaxEpochs);
        if (text == "auto") return (max ?? defaults.Epochs, true);
        if (max is not null) throw new VAEaseException("--max-epochs applies to --epochs auto");
        if (text is null) return (defaults.Epochs, defaults.StopWhenSettled);
        return int.TryParse(text, out int n) ? (n, false) : throw new VAEaseException($"--epochs must be a whole number or auto, not '{text}'");
    }

    /// <summary>The --precision given, if any.</summary>
    internal static MatmulPrecision? PrecisionOf(ParseResult parse) =>
        parse.GetValue(Precision) is { } name ? Naming.Parse<MatmulPrecision>(name, "precision") : null;

    /// <summary>The stream settings: --stream (or the --config file's) with the size options applied; the size options need streaming.</summary>
    private static StreamConfig? StreamOptions(ParseResult parse, StreamConfig? file)
    {
        StreamConfig? stream = parse.GetValue(Stream) ? file ?? new StreamConfig() : file;
        if (stream is null)
        {
            if (new Option[] { ShuffleBuffer, StreamBlock, EvalRows }.FirstOrDefault(o => parse.GetResult(o) is { Implicit: false }) is { } given)
                throw new VAEaseException($"{given.Name} applies to streamed data; add --stream");
            return null;
        }
        return stream with
        {
            ShuffleBuffer = parse.GetValue(ShuffleBuffer) ?? stream.ShuffleBuffer,
            BlockRows = parse.GetValue(StreamBlock) ?? stream.BlockRows,
            EvalRows = parse.GetValue(EvalRows) ?? stream.EvalRows,
        };
    }
}
