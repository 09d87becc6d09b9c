using System.Globalization;
using System.Text;
using VAEase.Data;
using VAEase.Evaluation;
using VAEase.IO;

namespace VAEase.Experiments;

/// <summary>Writes top-activating examples per latent (<see cref="TopActivations"/>) of a text set as a markdown
/// report: for each latent, the rows where it is strongest, shown as the token in its sentence (token in bold),
/// the sentence, or the word (<see cref="TextRow"/>).</summary>
public static class TopActivationReport
{
    /// <summary>The report's text; <paramref name="title"/> and <paramref name="about"/> describe the model and data.</summary>
    public static string Render(string title, string about, IReadOnlyList<LatentExamples> latents, IReadOnlyList<TextRow> rows)
    {
        var inv = CultureInfo.InvariantCulture;
        var md = new StringBuilder();
        md.AppendLine($"# {Escape(title)}").AppendLine();
        md.AppendLine(Escape(about)).AppendLine();
        md.AppendLine("Each latent's active rows (per-sample variance-split rule) with the largest |code| (the decoder's input), strongest first.")
          .AppendLine();
        bool tokens = rows.Count > 0 && rows[0].Context is not null;
        foreach (LatentExamples latent in latents)
        {
            md.AppendLine(string.Create(inv, $"## Latent {latent.Latent}: active in {latent.ActiveRows} of {rows.Count} rows ({100.0 * latent.ActiveRows / rows.Count:F1}%)"))
              .AppendLine();
            md.AppendLine(tokens ? "| # | code | token | context |" : "| # | code | example |");
            md.AppendLine(tokens ? "|---|---|---|---|" : "|---|---|---|");
            int rank = 0;
            foreach (var (row, code) in latent.Top)
            {
                TextRow r = rows[(int)row];
                string value = code.ToString("F3", inv);
                md.AppendLine(tokens
                    ? $"| {++rank} | {value} | `{CodeCell(r.Item)}` | {Context(r)} |"
                    : $"| {++rank} | {value} | {Cell(r.Item)} |");
            }
            md.AppendLine();
        }
        return md.ToString();
    }

    /// <summary>Renders and writes the report atomically.</summary>
    public static void Write(string path, string title, string about, IReadOnlyList<LatentExamples> latents, IReadOnlyList<TextRow> rows) =>
        AtomicFile.WriteAllText(path, Render(title, about, latents, rows));

    /// <summary>The sentence from its pieces, the row's token in bold: SentencePiece ('▁' starts a word) or, when the first
    /// piece is [CLS], WordPiece ("##" continues a word, any other piece starts one).</summary>
    public static string Context(TextRow row)
    {
        var text = new StringBuilder();
        bool wordPiece = row.Context!.Count > 0 && row.Context[0] == "[CLS]";
        for (int i = 0; i < row.Context.Count; i++)
        {
            string piece = row.Context[i];
            bool space = wordPiece ? !piece.StartsWith("##", StringComparison.Ordinal) : piece.StartsWith('▁');
            string word = Cell(wordPiece ? (space ? piece : piece[2..]) : space ? piece[1..] : piece);
            if (space && text.Length > 0) text.Append(' ');
            text.Append(i == row.Token ? $"**{word}**" : word);
        }
        return text.ToString();
    }

    /// <summary>Inside a code span nothing is escaped but the table's pipes; a backtick would end the span.</summary>
    private static string CodeCell(string text) => text.Replace("`", "'", StringComparison.Ordinal).Replace("|", "\\|", StringComparison.Ordinal).ReplaceLineEndings(" ");

    private static string Cell(string text) => Escape(text).Replace("|", "\\|", StringComparison.Ordinal).ReplaceLineEndings(" ");

    private static string Escape(string text) => text.Replace("*", "\\*", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
}
