using System.CommandLine;

namespace VAEase.Cli;

/// <summary>`vaease plot`: the paper's figures, one subcommand each (each in its own file).</summary>
public static class PlotCommand
{
    public static Command Create() => new("plot", "Draw the paper's figures, and training curves, as .png or .svg.")
    {
        PlotLandscapeCommand.Create(),
        PlotMaskingCommand.Create(),
        PlotTrainingCommand.Create(),
    };

    /// <summary>Refuses an output path that is not .png or .svg before any work is done.</summary>
    internal static void CheckImagePath(string path, string option)
    {
        string ext = Path.GetExtension(path).ToLowerInvariant();
        if (ext is not (".png" or ".svg"))
            throw new VAEaseException($"{option} {path}: a plot is written as .png or .svg, not '{ext}'");
    }
}
