using System.CommandLine;
using VAEase;
using VAEase.Cli;

var root = new RootCommand(
    "VAEase: sparse autoencoding with adaptive, hyperparameter-free sparsity (Lu, Zhu, He, Wipf; ICML 2025).\n" +
    "Train VAEase and its baselines (VAE, SAE-l1, SAE-log, SAE-TopK), evaluate active dimensions and reconstruction.")
{
    TrainCommand.Create(),
    EvalCommand.Create(),
    DemoCommand.Create(),
};
return Cli.Run(root, args);
