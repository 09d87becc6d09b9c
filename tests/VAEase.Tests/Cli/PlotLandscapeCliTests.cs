using System.Text.Json;
using VAEase.Tests.Plotting;

namespace VAEase.Tests.Cli;

/// <summary>`vaease plot landscape` (Figure 3) run as a process.</summary>
public sealed class PlotLandscapeCliTests
{
    [Fact]
    public void Plot_landscape_writes_a_png_and_json_and_prints_two_sae_log_minima_and_one_vaease_minimum()
    {
        using var folder = new TempFolder();
        string png = folder.File("landscape.png"), json = folder.File("landscape.json");

        var run = CliProcess.Run("plot", "landscape", "--out", png, "--json", json);

        Assert.True(run.ExitCode == 0, run.Stderr);
        using (var bitmap = Png.Decode(png)) Assert.True(bitmap.Width > 100 && bitmap.Height > 100);
        Assert.Contains("SAE-log: 2 local minima: z = 0 ", run.Stdout);
        Assert.Contains("VAEase: 1 local minimum: z = 0.9487 ", run.Stdout);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        JsonElement root = doc.RootElement;
        int points = root.GetProperty("z").GetArrayLength();
        Assert.Equal(3001, points);
        Assert.Equal(points, root.GetProperty("loss_sae_log").GetArrayLength());
        Assert.Equal(points, root.GetProperty("loss_vaease").GetArrayLength());
        Assert.Equal(2, root.GetProperty("minima_sae_log").GetArrayLength());
        Assert.Equal(1, root.GetProperty("minima_vaease").GetArrayLength());
        Assert.Equal(0.1, root.GetProperty("config").GetProperty("gamma").GetDouble());
    }

    [Fact]
    public void Plot_landscape_refuses_an_output_that_is_not_png_or_svg_and_writes_nothing()
    {
        using var folder = new TempFolder();

        var run = CliProcess.Run("plot", "landscape", "--out", folder.File("x.txt"));

        Assert.Equal(2, run.ExitCode);
        string message = run.Stderr.TrimEnd('\n');
        Assert.DoesNotContain('\n', message);
        Assert.Contains(".png or .svg", message);
        Assert.Empty(folder.Entries());
    }
}
