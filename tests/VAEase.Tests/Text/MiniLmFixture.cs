using VAEase.Data;
using VAEase.Text;

namespace VAEase.Tests.Text;

/// <summary>A small real harvest: <see cref="Sentences"/> through all-MiniLM-L6-v2 into ROOT/minilm, the layout
/// `vaease data install minilm-act` writes (the model files linked, not copied). Sentences 9 and 19 are the test split.</summary>
internal static class MiniLmFixture
{
    public static readonly string[] Sentences =
    [
        "The committee adopted the resolution without a vote.",
        "Creakiness and atmosphere this film has, but so unfortunately does the print I just viewed.",
        "She walked to the station in the rain.",
        "Prices rose sharply after the announcement.",
        "The children played football in the park until dark.",
        "A new bridge will connect the two villages.",
        "He forgot his keys at the office again.",
        "The museum opens at nine on weekdays.",
        "Our cat sleeps on the warm windowsill all afternoon.",
        "The orchestra rehearsed the symphony twice before the concert.",
        "Farmers expect a good harvest this year.",
        "The report was published on Tuesday morning.",
        "Heavy snow closed the mountain pass.",
        "They cooked pasta with fresh tomatoes and basil.",
        "The river flooded the lower fields in spring.",
        "Students must submit their essays by Friday.",
        "The old lighthouse still guides ships at night.",
        "Engineers tested the engine for several hours.",
        "My grandmother tells wonderful stories about her childhood.",
        "The delegation welcomed the proposal and asked for more time.",
        "A café naïvely served coffee at midnight.",
        "Tokenization in 2026 costs $3.",
    ];

    public static string Harvest(string root, int layer = 3)
    {
        string folder = Path.Combine(root, TextSets.MiniLmFolder), model = Path.Combine(folder, MiniLmInstaller.ModelFolder);
        Directory.CreateDirectory(model);
        File.CreateSymbolicLink(Path.Combine(model, MiniLmPackage.ModelFile), MiniLmFiles.Model);
        File.CreateSymbolicLink(Path.Combine(model, MiniLmPackage.VocabFile), MiniLmFiles.Vocab);
        MiniLmInstaller.Harvest(folder, Sentences.Select((s, i) => new SourceSentence(s, $"fixture:{i + 1}")), strict: true,
            new MiniLmHarvestConfig { Layer = layer, BatchSize = 4 }, "fixture", TextWriter.Null);
        return folder;
    }
}
