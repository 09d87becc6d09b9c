using VAEase.Data;
using VAEase.Generative;
using VAEase.IO;
using VAEase.Training;

namespace VAEase.Cli;

/// <summary>The inputs of the commands, named as the CLI names them, for <see cref="OutputGuard"/>: no command writes
/// over what it reads.</summary>
internal static class Outputs
{
    /// <summary>Adds the files and folders a data spec reads (none for generated data).</summary>
    public static OutputGuard Data(this OutputGuard guard, string spec, string option = "--data") => guard.Inputs(DataSpec.InputPaths(spec), option);

    /// <summary>Adds a model or run folder: the files in it, and those any run of ours writes there, are inputs.</summary>
    public static OutputGuard Model(this OutputGuard guard, string dir, string option = "--model") =>
        guard.ModelFolder(dir, $"the model folder of {option}", name => RunFiles.Autoencoder.IsOwn(name) || GanRun.Files.IsOwn(name) || ScoreRun.Files.IsOwn(name));

    /// <summary>Adds several model or run folders.</summary>
    public static OutputGuard Models(this OutputGuard guard, IEnumerable<string> dirs, string option) =>
        dirs.Aggregate(guard, (g, dir) => g.Model(dir, option));

    /// <summary>Checks an output given by an optional option (nothing when it was not given).</summary>
    public static OutputGuard OutputIfGiven(this OutputGuard guard, string? path, string option) => path is null ? guard : guard.Output(path, option);
}
