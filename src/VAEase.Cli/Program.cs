using System.CommandLine;
using System.CommandLine.Help;
using VAEase;
using VAEase.Cli;

var root = new Command("vaease",
    "VAEase: sparse autoencoding with adaptive, hyperparameter-free sparsity (Lu, Zhu, He, Wipf; ICML 2025).\n" +
    "Train VAEase and its baselines (VAE, SAE-l1, SAE-log, SAE-TopK, SAE-BatchTopK, SAE-JumpReLU), evaluate active dimensions and reconstruction.")
{
    new HelpOption(),
    new VersionOption(),
    TrainCommand.Create(),
    EvalCommand.Create(),
    EncodeCommand.Create(),
    ExportCommand.Create(),
    DemoCommand.Create(),
    ReproduceCommand.Create(),
    BenchCommand.Create(),
    DataCommand.Create(),
    ReportCommand.Create(),
    IdCommand.Create(),
    PlotCommand.Create(),
    GanCommand.Create(),
    ScoreCommand.Create(),
    SweepCommand.Create(),
};
VAEase.Training.NativeHeap.KeepFreedPages(); // before the first tensor: see NativeHeap
return Cli.Run(root, args);
