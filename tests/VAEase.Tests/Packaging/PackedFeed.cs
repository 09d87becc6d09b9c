using VAEase.Tests.Plotting;

namespace VAEase.Tests.Packaging;

/// <summary>VAEase and VAEase.Tool packed once (on first use) into a folder feed under a temp folder, at a version no
/// registry has, with a NuGet config that knows only that feed. Package dependencies (TorchSharp-cpu, ...) come from the
/// machine's global packages folder as a read-only fallback folder: the repo's own restore put the same versions there.
/// The children get their own global packages folder, so our ids never reach the machine's.</summary>
public sealed class PackedFeed : IDisposable
{
    private readonly Lazy<string> feed;

    public PackedFeed()
    {
        feed = new Lazy<string>(Pack);
        Config = Work.File("nuget.config");
        File.WriteAllText(Config, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="vaease-local" value="{Work.File("feed")}" />
              </packageSources>
              <fallbackPackageFolders>
                <add key="machine" value="{MachinePackages}" />
              </fallbackPackageFolders>
            </configuration>
            """);
    }

    /// <summary>Everything of the test class lives here, outside the repo; deleted on dispose.</summary>
    internal TempFolder Work { get; } = new("vaease-packages");

    public string Version { get; } = $"0.0.0-localtest.{DateTime.UtcNow:yyyyMMddHHmmss}";

    /// <summary>The NuGet config beside everything in <see cref="Work"/>.</summary>
    public string Config { get; }

    /// <summary>The folder feed with VAEase (+ .snupkg) and VAEase.Tool.</summary>
    public string Feed => feed.Value;

    /// <summary>The machine's global packages folder (only read).</summary>
    public static string MachinePackages => Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } folder
        ? folder
        : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    /// <summary>For the children that restore, install or run: their own package folder and XDG cache, no banners.</summary>
    public Dictionary<string, string> ChildEnvironment(string cacheHome) => new()
    {
        ["NUGET_PACKAGES"] = Work.File("packages"), ["XDG_CACHE_HOME"] = cacheHome,
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1", ["DOTNET_NOLOGO"] = "1",
    };

    /// <summary>Runs dotnet with the children's environment in <see cref="Work"/>, asserting success.</summary>
    internal ChildProcess.Result Dotnet(params string[] args)
    {
        var result = ChildProcess.Run("dotnet", args, ChildEnvironment(Work.File("cache")), Work.Path);
        Assert.True(result.ExitCode == 0, $"dotnet {string.Join(' ', args)}: {result}");
        return result;
    }

    public void Dispose() => Work.Dispose();

    /// <summary>`dotnet pack` of both projects as a user runs it, with the build in a folder of its own (so the repo's
    /// bin/ and obj/ are not rebuilt at this version); no build servers, whose processes would outlive the test.</summary>
    private string Pack()
    {
        string output = Work.File("feed");
        foreach (string project in new[] { "src/VAEase", "src/VAEase.Cli" })
        {
            var pack = ChildProcess.Run("dotnet", ["pack", Path.Combine(RepoPaths.Root, project), "-c", "Release", "-o", output,
                "--artifacts-path", Work.File("artifacts"), $"-p:Version={Version}", "--disable-build-servers", "-nologo", "-v", "q"]);
            Assert.True(pack.ExitCode == 0, $"pack {project}: {pack}");
        }
        return output;
    }
}
