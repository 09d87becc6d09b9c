using VAEase.Data;
using VAEase.Evaluation;
using VAEase.Experiments;
using VAEase.Models;

namespace VAEase.Tests.Evaluation;

public sealed class TopActivationsTests
{
    /// <summary>SAE-style codes of 5 rows over 3 latents (log|z| activities, exact zeros inactive).</summary>
    private static EncodedSet Codes()
    {
        float[] code =
        [
            0.0f, 2.0f, 0.0f,
            0.5f, 0.0f, 0.0f,
            0.0f, 3.0f, 0.0f,
            0.9f, 1.0f, 0.0f,
            0.0f, 3.0f, 0.0f,
        ];
        float[] activity = [.. code.Select(c => c == 0 ? float.NegativeInfinity : MathF.Log(c))];
        return new EncodedSet(code, activity, 3, ActivityKind.LogMagnitude);
    }

    [Fact]
    public void The_most_used_latents_come_first_with_their_strongest_active_rows_in_order()
    {
        var top = TopActivations.Compute(Codes(), latents: 5, k: 2);

        Assert.Equal([1, 0], top.Select(l => l.Latent)); // latent 2 is never active
        Assert.Equal(4, top[0].ActiveRows);
        Assert.Equal([(2L, 3f), (4L, 3f)], top[0].Top); // tie at 3: the earlier row first; row 0 (2.0) is cut by k
        Assert.Equal(1, top[1].ActiveRows); // in row 3, 0.9 falls in the lower group of the split (0.9 vs 1.0)
        Assert.Equal([(1L, 0.5f)], top[1].Top);
    }

    [Fact]
    public void The_report_shows_each_token_in_bold_inside_its_sentence()
    {
        string[] pieces = ["▁The", "▁c", "at", "▁sat", "."];
        TextRow[] rows = [.. Enumerable.Range(0, 5).Select(i => new TextRow(pieces[i], pieces, i))];

        string md = TopActivationReport.Render("title", "about", TopActivations.Compute(Codes(), latents: 1, k: 2), rows);

        Assert.Contains("## Latent 1: active in 4 of 5 rows (80.0%)", md);
        Assert.Contains("| 1 | 3.000 | `at` | The c**at** sat. |", md);
        Assert.Contains("| 2 | 3.000 | `.` | The cat sat**.** |", md);
        Assert.Equal("**The** cat sat.", TopActivationReport.Context(rows[0]));
    }
}
