using VAEase.Data;
using VAEase.Evaluation;
using VAEase.Models;
using VAEase.Training;

// A data spec: by default a synthetic union of a 2-dim and a 3-dim linear subspace of R^12 whose labels say which
// piece each row lies on; or a matrix of yours, e.g. "npy:acts.npy".
string spec = args.Length > 0 ? args[0] : "linear:d=12,dims=2+3,n=20000,seed=3";
DataSpec.Info info = DataSpec.Describe(spec);
using Dataset all = DataSpec.Load(spec);
var split = all.Split(testFraction: 0.1, seed: 1);
using Dataset train = split.Train, test = split.Test;

// VAEase with the recipe for the data, made small: 10 latents, 40 epochs in one cosine cycle.
RunConfig recipe = info.Family == "linear"
    ? Recipes.Synthetic(ModelKind.VAEase, "linear", spec, info.Dim, largestPiece: info.Pieces.Max())
    : Recipes.Generic(ModelKind.VAEase, spec, info.Dim);
RunConfig run = recipe with
{
    Model = recipe.Model with { Latent = 10 },
    Training = recipe.Training with { Epochs = 40, BatchSize = 512, RestartPeriod = 0, CheckpointEvery = 0 },
};
if (StepCost.PreferredThreads(run.Model, run.Training.BatchSize) is int threads) TorchSharp.torch.set_num_threads(threads); // 1 for so small a step
using SparseAutoencoder model = Trainer.Train(run, train, "quickstart-model", new TrainOptions()).Model; // writes config.json + model.safetensors there

// Encode the held-out rows; a row's active latent dimensions estimate the dimension of the manifold it lies on.
EncodedSet codes = EncodedSet.Of(model, test);
int[] activeDims = ActiveSets.From(codes, ActiveRule.VarianceSplit).Sizes();
for (int i = 0; i < 5; i++)
    Console.WriteLine($"sample {i}: {activeDims[i]} active dims" + (test.Labels is { } labels ? $" (piece {labels[i]})" : ""));
foreach (var piece in activeDims.Select((dims, i) => (dims, piece: test.Labels?[i] ?? 0)).GroupBy(s => s.piece, s => s.dims).OrderBy(g => g.Key))
    Console.WriteLine($"piece {piece.Key}: median {Summary.Of(piece).Median} active dims over {piece.Count()} samples");
