using VAEase.Data;
using VAEase.Evaluation;
using VAEase.IO;
using VAEase.Models;
using VAEase.Networks;
using VAEase.Training;
using static TorchSharp.torch;

namespace VAEase.Tests.Training;

/// <summary>Dead latents reopened on the residual, and an anchored gamma (docs/findings.md §10).</summary>
public sealed class LatentReopeningTests
{
    const string TwoPieces = "linear:d=12,dims=2+3,n=20000,seed=3";

    /// <summary>VAEase with a linear encoder and decoder on d = 6, kappa = 4.</summary>
    private static ModelConfig Small(GammaMode gamma = GammaMode.Anchored) => new()
    {
        Kind = ModelKind.VAEase, InputDim = 6, Latent = 4, Encoder = EncoderKind.Linear, Decoder = DecoderKind.Linear, Gamma = gamma,
    };

    /// <summary>n points on an r-dim subspace of R^6: x = z A with z ~ N(0, I_r).</summary>
    private static Tensor Subspace(long n, int r, long seed)
    {
        using var generator = new TorchSharp.torch.Generator((ulong)seed);
        using Tensor a = randn(r, 6, generator: generator), z = randn(n, r, generator: generator);
        return z.matmul(a);
    }

    private static Dictionary<string, TorchSharp.Modules.Parameter> Named(SparseAutoencoder model) =>
        model.named_parameters().ToDictionary(p => p.name, p => p.parameter);

    /// <summary>Puts every latent of the small model at the prior: mu = 0 and log sigma^2 = -softplus(-30) ~ 0 for every input.</summary>
    private static void KillAll(SparseAutoencoder model)
    {
        var p = Named(model);
        using var noGrad = no_grad();
        p["encoder.weight"].zero_();
        p["encoder.bias"].zero_();
        p["encoder.bias"].narrow(0, 4, 4).fill_(30);
    }

    private static double Error(SparseAutoencoder model, Tensor x)
    {
        model.eval();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        double error = Losses.SquaredError(x, model.Reconstruct(x)).mean().item<float>();
        model.train();
        return error;
    }

    /// <summary>-log sigma^2 of each latent, averaged over the rows (or its largest value over the rows).</summary>
    private static float[] Activity(SparseAutoencoder model, Tensor x, bool peak = false)
    {
        model.eval();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        Tensor activity = model.Encode(x).Activity;
        float[] values = (peak ? activity.amax([0]) : activity.mean([0])).data<float>().ToArray();
        model.train();
        return values;
    }

    /// <summary>Trains with Adam at a constant rate on seeded batches of 256, with the latent check (and, if
    /// <paramref name="reopen"/>, reopening) every 100 steps.</summary>
    private static void Train(SparseAutoencoder model, AdamOptimizer optimizer, Dataset data, int steps, bool reopen)
    {
        var config = new TrainConfig { BatchSize = 256, Seed = 1 };
        using LatentMonitor monitor = LatentMonitor.Create(new InMemoryBatches(data), config, CPU);
        using var generator = new TorchSharp.torch.Generator(7);
        using var noise = new TorchSharp.torch.Generator(8);
        model.Noise = noise; // not libtorch's global generator, which tests running beside this one seed and draw from
        for (int step = 1; step <= steps; step++)
        {
            using (Tensor rows = randint(data.Count, [256], generator: generator))
            using (Tensor batch = data.X.index_select(0, rows))
                Trainer.Step(model, optimizer, 0.01, batch, CPU);
            if (step % 100 == 0) monitor.Check(model, optimizer, reopen);
        }
        model.Noise = null;
    }

    [Fact]
    public void Reopening_starts_one_latent_per_residual_direction_that_is_worth_one_and_removes_most_of_the_error()
    {
        using var model = (VariationalAutoencoder)ModelFactory.Create(Small(GammaMode.Learned) with { LogGammaInit = Math.Log(0.01) }, seed: 1);
        KillAll(model);
        using Tensor x = Subspace(4000, 2, seed: 2);
        var p = Named(model);
        using (no_grad()) p["decoder.bias"].zero_(); // the residual is then x itself: two directions of variance >> gamma, four of 0
        double before = Error(model, x);

        Reopening reopening = model.Reopen([0, 1, 2, 3], x);
        foreach (var (_, changed) in reopening.Changed) changed.Dispose();

        Assert.Equal(2, reopening.Count);
        double after = Error(model, x);
        Assert.True(after < 0.05 * before, $"error {before} -> {after}");
        float[] activity = Activity(model, x);
        Assert.All(activity.Take(2), a => Assert.True(a > 3, $"reopened latent activity {a}")); // log(lambda / gamma), lambda >> 0.01
        Assert.All(activity.Skip(2), a => Assert.True(a < 1e-6, $"untouched latent activity {a}"));
    }

    [Fact]
    public void Nothing_is_reopened_where_no_residual_direction_has_more_variance_than_gamma()
    {
        using var model = (VariationalAutoencoder)ModelFactory.Create(Small(GammaMode.Learned) with { LogGammaInit = Math.Log(1e3) }, seed: 1);
        KillAll(model);
        using Tensor x = Subspace(2000, 2, seed: 2);
        Reopening reopening = model.Reopen([0, 1, 2, 3], x);
        Assert.Equal(0, reopening.Count);
        Assert.Empty(reopening.Changed);
    }

    [Fact]
    public void Latents_killed_at_the_start_come_back_with_reopening_and_stay_dead_without_it()
    {
        using Tensor plane = Subspace(4000, 2, seed: 2);
        using var data = new Dataset(plane.clone(), null, "plane");
        foreach (bool reopen in new[] { true, false })
        {
            using var model = ModelFactory.Create(Small(), seed: 1);
            KillAll(model);
            ((VariationalAutoencoder)model).StartGamma(data.X);
            using var optimizer = new AdamOptimizer(model.parameters());
            Train(model, optimizer, data, steps: 1500, reopen);
            EvalReport report = Evaluator.Evaluate(model, data);
            if (reopen)
            {
                Assert.Equal(2, report.ActiveDimsPerSample.Median);
                Assert.True(report.Fvu < 1e-3, $"FVU {report.Fvu} with reopening");
            }
            else
            {
                Assert.Equal(4, Activity(model, data.X, peak: true).Count(a => a < 1e-6)); // all still exactly at the prior
                Assert.True(report.Fvu > 0.99, $"FVU {report.Fvu} without reopening");
            }
        }
    }

    [Theory]
    [InlineData(30, 3, new[] { 1, 2 })]               // 90 steps: the window (67 steps) holds four periods of 16: every epoch end in it
    [InlineData(440, 150, new[] { 2, 3, 4, 5 })]      // the linear recipe: every 500 steps (the first four of ~99)
    [InlineData(440, 1, new int[0])]                   // one epoch: its only check, at step 440, is past the window of 330
    public void Reopening_happens_every_500_steps_or_four_times_in_a_short_run_and_only_in_the_first_three_quarters(int perEpoch, int epochs, int[] expected)
    {
        var config = new TrainConfig { ReopenDeadLatents = true };
        long total = (long)perEpoch * epochs;
        int[] at = [.. Enumerable.Range(1, epochs).Where(e => LatentMonitor.ReopensAt(config, (long)(e - 1) * perEpoch, (long)e * perEpoch, total))];
        Assert.Equal(expected, at.Take(4));
        Assert.False(LatentMonitor.ReopensAt(config with { ReopenDeadLatents = false }, 0, total, total));
    }

    [Fact]
    public void Vaease_counts_each_piece_the_same_from_any_initial_gamma_where_the_authors_learned_gamma_does_not()
    {
        RunConfig Start(double logGamma, GammaMode gamma, bool reopen)
        {
            RunConfig run = TrainingFixture.Run(ModelKind.VAEase, TwoPieces, epochs: 60, latent: 20);
            return run with
            {
                Model = run.Model with { LogGammaInit = logGamma, Gamma = gamma },
                Training = run.Training with { ReopenDeadLatents = reopen },
            };
        }
        var (fromDefault, defaultReport) = TrainingFixture.TrainAndEvaluate(Start(-0.5, GammaMode.Anchored, reopen: true));
        var (fromSmall, smallReport) = TrainingFixture.TrainAndEvaluate(Start(-5, GammaMode.Anchored, reopen: true));
        var (authors, authorsReport) = TrainingFixture.TrainAndEvaluate(Start(-5, GammaMode.Learned, reopen: false));
        using (fromDefault.Model)
        using (fromSmall.Model)
        using (authors.Model)
        {
            Assert.Equal([2.0, 3.0], defaultReport.MedianActiveDimsPerGroup!.Values);
            Assert.Equal([2.0, 3.0], smallReport.MedianActiveDimsPerGroup!.Values);
            Assert.Equal(defaultReport.Re, smallReport.Re); // the start is taken from the data, so the runs are the same run
            Assert.NotEqual([2.0, 3.0], authorsReport.MedianActiveDimsPerGroup!.Values); // 2/4 on this union (findings §10)
            Assert.Contains(fromDefault.History, e => e.Reopened > 0);
        }
    }

    [Fact]
    public void Every_epoch_records_active_dims_dead_latents_and_reopened_latents_and_the_config_the_procedure()
    {
        RunConfig run = TrainingFixture.Run(ModelKind.VAEase, TwoPieces, epochs: 6, latent: 20);
        run = run with { Training = run.Training with { ReopenEvery = 35, ReopenUntil = 1 } }; // every epoch of 35 steps
        var (result, _) = TrainingFixture.TrainAndEvaluate(run);
        using var model = result.Model;
        Assert.All(result.History, e =>
        {
            Assert.InRange(e.ActiveDims!.Value, 0.5, 20);
            Assert.InRange(e.DeadLatents!.Value, 0, 20);
            Assert.NotNull(e.Reopened);
        });
        string json = Json.Serialize(run);
        Assert.Contains("\"gamma\": \"anchored\"", json);
        Assert.Contains("\"reopen_dead_latents\": true", json);

        var (sae, _) = TrainingFixture.TrainAndEvaluate(TrainingFixture.Run(ModelKind.SaeTopK, TwoPieces, epochs: 2, latent: 20));
        using var saeModel = sae.Model;
        Assert.All(sae.History, e => { Assert.NotNull(e.ActiveDims); Assert.NotNull(e.DeadLatents); Assert.Null(e.Reopened); });
    }
}
