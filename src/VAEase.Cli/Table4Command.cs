using System.CommandLine;
using System.Diagnostics;
using VAEase.Data;
using VAEase.Evaluation;
using VAEase.Experiments;
using VAEase.Generative;
using VAEase.Intrinsic;
using VAEase.IO;
using VAEase.Models;
using VAEase.Training;
using static TorchSharp.torch;

namespace VAEase.Cli;

/// <summary>`vaease reproduce table4`: pseudo-MNIST from a GAN with 16-dim noise (true manifold dimension at
/// most 16), then VAEase's mean active dims against the diffusion estimators NB and FLIPD (Table 4), with the
/// classical k-NN estimators beside them. Every stage is kept in the output folder: a finished stage with the
/// same settings is reused, an interrupted one resumed.</summary>
public static class Table4Command
{
    /// <summary>The paper's Table 4: ground truth (an upper bound), NB, FLIPD, VAEase.</summary>
    static readonly (double Truth, double Nb, double Flipd, double VAEase) Paper = (16, 105.94, 169.81, 14.93);

    static readonly Option<string> Out = new("--out", "-o") { Description = "folder of every stage (GAN, pseudo-MNIST, VAEase, score model, results)", DefaultValueFactory = _ => Path.Combine("runs", "table4") };
    static readonly Option<string> GanDir = new("--gan") { Description = "a trained GAN folder to use (default: train one into OUT/gan)" };
    static readonly Option<int> GanEpochs = new("--gan-epochs") { Description = "epochs of the GAN trained when --gan is not given", DefaultValueFactory = _ => 20 };
    static readonly Option<long> Samples = new("--samples") { Description = "pseudo-MNIST images generated (the paper: 500 000); 10% are held out for the estimates", DefaultValueFactory = _ => 500_000 };
    static readonly Option<long?> TrainRows = new("--train-rows") { Description = "train VAEase and the score model on the first N training images (default: all)" };
    static readonly Option<int?> VAEaseEpochs = new("--vaease-epochs") { Description = "VAEase epochs (the paper: 35)" };
    static readonly Option<int> ScoreEpochs = new("--score-epochs") { Description = "score-model epochs (the paper trains its diffusion model 70)", DefaultValueFactory = _ => 20 };
    static readonly Option<int> Points = new("--points") { Description = "held-out images NB and FLIPD estimate at (each costs thousands of network evaluations)", DefaultValueFactory = _ => 200 };
    static readonly Option<int> EvalRows = new("--eval-rows") { Description = "held-out images VAEase and the k-NN estimators use", DefaultValueFactory = _ => 10_000 };
    static readonly Option<long> Seed = new("--seed") { Description = "seed of every stage", DefaultValueFactory = _ => 1 };
    static readonly Option<bool> Quick = new("--quick") { Description = "smoke run: a GAN on 1024 MNIST images for 1 epoch, 3000 samples, 1 epoch of VAEase and of the score model, 5 points" };
    static readonly Option<string> JsonPath = new("--json") { Description = "also write the results as JSON to this file" };

    public static Command Create()
    {
        var command = new Command("table4", "Table 4: intrinsic dimension of GAN-made pseudo-MNIST (truth <= 16) by VAEase, NB, FLIPD and the k-NN estimators.")
        {
            Out, GanDir, GanEpochs, Samples, TrainRows, VAEaseEpochs, ScoreEpochs, Points, EvalRows, Seed, Quick, JsonPath,
            TrainCommand.DeviceOption, TrainCommand.Threads,
        };
        command.SetAction(parse => Cli.WithCancellation(token => Run(parse, token)));
        return command;
    }

    private static int Run(ParseResult parse, CancellationToken token)
    {
        var device = Devices.Setup(parse.GetValue(TrainCommand.DeviceOption)!, parse.GetValue(TrainCommand.Threads));
        bool quick = parse.GetValue(Quick);
        long seed = parse.GetValue(Seed), samples = quick ? 3000 : parse.GetValue(Samples);
        long? trainRows = parse.GetValue(TrainRows);
        int points = quick ? 5 : parse.GetValue(Points), evalRows = quick ? 300 : parse.GetValue(EvalRows);
        if (samples < 100) throw new VAEaseException($"--samples must be at least 100, got {samples}");
        if (trainRows is < 2) throw new VAEaseException($"--train-rows must be at least 2, got {trainRows}");
        if (points < 1 || evalRows < 2) throw new VAEaseException("--points must be positive and --eval-rows at least 2");
        string outDir = parse.GetValue(Out)!;
        var clock = Stopwatch.StartNew();
        var seconds = new Dictionary<string, double>();

        // 1. The GAN.
        string ganDir = parse.GetValue(GanDir) ?? Path.Combine(outDir, "gan");
        new OutputGuard().Models([ganDir, Path.Combine(outDir, "vaease"), Path.Combine(outDir, "score")], "--out").OutputIfGiven(parse.GetValue(JsonPath), "--json");
        if (parse.GetValue(GanDir) is null)
        {
            var gan = new GanConfig { Epochs = quick ? 1 : parse.GetValue(GanEpochs), Seed = seed, Rows = quick ? 1024 : null };
            Stage.Run("gan", ganDir, GanRun.ConfigFile, gan, Gan.GeneratorName + ".safetensors", seconds, resume =>
            {
                using Dataset mnist = DataSpec.Load(gan.Data);
                GanRun.Train(gan, mnist, ganDir, Cli.TrainOptions(device, "gan", token, resume));
            });
        }
        GanConfig ganConfig = GanRun.ReadConfig(ganDir);
        if (ganConfig.InputDim != 784) throw new VAEaseException($"the GAN in {ganDir} makes d = {ganConfig.InputDim} images; pseudo-MNIST needs 28x28 (784)");

        // 2. Pseudo-MNIST.
        string pseudo = Path.Combine(outDir, $"pseudo-mnist-n{samples}-seed{seed}.npy");
        if (!File.Exists(pseudo) || File.GetLastWriteTimeUtc(pseudo) < File.GetLastWriteTimeUtc(Path.Combine(ganDir, Gan.GeneratorName + ".safetensors")))
        {
            var sampling = Stopwatch.StartNew();
            Directory.CreateDirectory(outDir);
            GanRun.Sample(ganDir, samples, seed, pseudo, device);
            seconds["sample"] = sampling.Elapsed.TotalSeconds;
            Console.Error.WriteLine($"pseudo-MNIST: {samples} images from {ganDir} in {sampling.Elapsed.TotalSeconds:F0} s -> {pseudo}");
        }
        string spec = $"npy:{pseudo}";
        using Dataset mnistReal = DataSpec.Load(ganConfig.Data);
        GanRun.SampleGrid(ganDir, mnistReal, Path.Combine(outDir, "samples.png"), seed);

        var (all, held) = DataSpec.LoadTrainTest(spec, 0.1, seed);
        Dataset train = trainRows is { } n && n < all.Count ? Table3Command.First(all, n) : all;
        Dataset test = Table3Command.First(held, Math.Min(evalRows, held.Count));
        using (train)
        using (test)
        {
            // 3. VAEase.
            RunConfig run = Recipes.PseudoMnist(ModelKind.VAEase, spec, train.Dim);
            run = run with { Training = run.Training with { Seed = seed, Epochs = quick ? 1 : parse.GetValue(VAEaseEpochs) ?? run.Training.Epochs } };
            run.Validate();
            string vaeaseDir = Path.Combine(outDir, "vaease");
            using SparseAutoencoder model = ExperimentRun.TrainOrLoad(run, train, vaeaseDir, Cli.TrainOptions(device, "vaease", token), out double vaeaseSeconds, out long vaeaseSteps);
            seconds["vaease_train"] = vaeaseSeconds;
            EvalReport report = Evaluator.Evaluate(model, test, device: device);

            // 4. The score model.
            string scoreDir = Path.Combine(outDir, "score");
            ScoreConfig score = ScoreRun.For(train, spec) with { Epochs = quick ? 1 : parse.GetValue(ScoreEpochs), Seed = seed };
            Stage.Run("score", scoreDir, ScoreRun.ConfigFile, score, ScoreModel.NetworkName + ".safetensors", seconds,
                resume => ScoreRun.Train(score, train, scoreDir, Cli.TrainOptions(device, "score", token, resume)));

            // 5. The estimates on held-out images.
            var (network, _) = ScoreRun.Load(scoreDir, device);
            using var _n = network;
            var byMethod = IdTable.DiffusionAndKnn(network, score, test, points, seed, seconds);
            Print(Console.Out, report, byMethod, test.Count, vaeaseSteps, train.Count);
            var json = new
            {
                command = "reproduce table4", data = spec, samples, train_rows = train.Count, eval_rows = test.Count, seed, versions = Versions.All,
                seconds, total_seconds = clock.Elapsed.TotalSeconds,
                paper = new { truth_at_most = Paper.Truth, nb = Paper.Nb, flipd = Paper.Flipd, vaease = Paper.VAEase },
                gan = ganConfig, vaease = new { config = run, steps = vaeaseSteps, results = report }, score,
                estimates = byMethod.ToDictionary(kv => kv.Key, kv => IdTable.ForJson(kv.Value)),
            };
            Json.Write(Path.Combine(outDir, "results.json"), json);
            if (parse.GetValue(JsonPath) is { } path) Json.Write(path, json);
        }
        Console.WriteLine($"table4: {clock.Elapsed.TotalMinutes:F1} min; results.json and samples.png (real vs GAN) in {outDir}");
        return 0;
    }

    private static void Print(TextWriter w, EvalReport vaease, IReadOnlyDictionary<string, DimensionEstimate> estimates, long evalRows, long steps, long trainRows)
    {
        w.WriteLine($"Table 4 (pseudo-MNIST from a GAN with 16-dim noise: true manifold dimension <= 16), held-out images");
        w.WriteLine($"{"",-10} {"truth",6} {"NB",8} {"FLIPD",8} {"VAEase",8}   {"NB-c",6} {"lPCA",6} {"MLE",6} {"TwoNN",6}");
        w.WriteLine($"{"measured",-10} {"<= 16",6} {estimates["nb"].Dimension,8:F2} {estimates["flipd"].Dimension,8:F2} {vaease.MeanActiveDims,8:F2}   " +
                    $"{estimates["nb-centred"].Dimension,6:F2} " +
                    $"{estimates["lpca"].Dimension,6:F2} {estimates["mle"].Dimension,6:F2} {estimates["twonn"].Dimension,6:F2}");
        w.WriteLine($"{"paper",-10} {"<= 16",6} {Paper.Nb,8:F2} {Paper.Flipd,8:F2} {Paper.VAEase,8:F2}   {"-",6} {"-",6} {"-",6} {"-",6}");
        w.WriteLine();
        w.WriteLine($"VAEase: mean active dims of {evalRows} held-out images (median {vaease.ActiveDimsPerSample.Median:F1}, range " +
                    $"{vaease.ActiveDimsPerSample.Min}-{vaease.ActiveDimsPerSample.Max}), kappa {vaease.Latent}, {steps} steps on {trainRows} images, RE {vaease.Re:F2}");
        w.WriteLine($"NB / FLIPD: means over {estimates["nb"].Points} held-out images (NB-c: NB with the score matrix centred, first gap skipped); k-NN estimators on {estimates["lpca"].Points}");
    }
}
