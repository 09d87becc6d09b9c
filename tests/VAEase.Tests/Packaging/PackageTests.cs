using System.Text.RegularExpressions;
using VAEase.Native;
using VAEase.Tests.Native;
using Xunit.Abstractions;

namespace VAEase.Tests.Packaging;

/// <summary>What a user of the packages gets, outside the repo: the `vaease` tool installed from the packed
/// VAEase.Tool, and a new console project that references the packed VAEase. Neither output has the build-time
/// patch, so on a system whose libstdc++ lacks GLIBCXX_3.4.32 both load TorchSharp through NativeLoader.</summary>
[Trait("Category", "Packaging")]
public sealed class PackageTests(PackedFeed packed, ITestOutputHelper output) : IClassFixture<PackedFeed>
{
    [PackageFact]
    public void The_library_package_has_its_readme_license_docs_dependencies_and_a_symbols_package()
    {
        string nupkg = Path.Combine(packed.Feed, $"VAEase.{packed.Version}.nupkg");
        Assert.True(File.Exists(Path.ChangeExtension(nupkg, ".snupkg")));
        using var zip = System.IO.Compression.ZipFile.OpenRead(nupkg);
        Assert.Superset(new HashSet<string> { "README.md", "lib/net10.0/VAEase.dll", "lib/net10.0/VAEase.xml" }, zip.Entries.Select(e => e.FullName).ToHashSet());
        using var nuspec = new StreamReader(zip.GetEntry("VAEase.nuspec")!.Open());
        string text = nuspec.ReadToEnd();
        Assert.Contains("""<license type="expression">MIT</license>""", text);
        Assert.Contains("""<dependency id="TorchSharp-cpu" version="0.107.0" """, text);
    }

    [PackageFact]
    public void The_packed_tool_installs_outside_the_repo_and_runs_a_small_demo()
    {
        string tools = packed.Work.File("tools"), cache = packed.Work.File("tool-cache");
        Assert.True(File.Exists(Path.Combine(packed.Feed, $"VAEase.Tool.{packed.Version}.nupkg")));
        packed.Dotnet("tool", "install", "VAEase.Tool", "--version", packed.Version, "--tool-path", tools, "--configfile", packed.Config);

        var demo = ChildProcess.Run(Path.Combine(tools, "vaease"), ["demo", "--models", "vaease", "--epochs", "3", "--out", "runs"],
            packed.ChildEnvironment(cache), packed.Work.Path);

        output.WriteLine(demo.ToString());
        Assert.True(demo.ExitCode == 0, demo.ToString());
        Assert.Contains("Active dims per manifold, linear:d=20,dims=2+3+5,n=60000,seed=1: test split, 3 epochs per model", demo.Stdout);
        Assert.Matches(new Regex(@"^vaease +1 +\d+ +\d+ +\d+ ", RegexOptions.Multiline), demo.Stdout);
        string installed = Path.GetDirectoryName(Directory.GetFiles(tools, "VAEase.Cli.dll", SearchOption.AllDirectories).Single())!;
        if (OperatingSystem.IsLinux()) NativeCache.AssertCopyExactlyWhereNeeded(cache, installed);
    }

    [PackageFact]
    public void A_new_console_project_that_references_the_packed_library_trains_and_encodes()
    {
        string app = packed.Work.File("consumer"), cache = packed.Work.File("consumer-cache");
        Assert.True(File.Exists(Path.Combine(packed.Feed, $"VAEase.{packed.Version}.nupkg")));
        packed.Dotnet("new", "console", "--name", "Consumer", "--output", app);
        File.Copy(Path.Combine(RepoPaths.Root, "samples", "QuickStart", "Program.cs"), Path.Combine(app, "Program.cs"), overwrite: true);
        packed.Dotnet("add", Path.Combine(app, "Consumer.csproj"), "package", "VAEase", "--version", packed.Version);
        packed.Dotnet("build", app, "-c", "Release", "--disable-build-servers", "-nologo", "-v", "q");
        string dll = Path.Combine(app, "bin", "Release", "net10.0", "Consumer.dll");

        var run = ChildProcess.Run("dotnet", [dll], packed.ChildEnvironment(cache), app);
        output.WriteLine(run.ToString());

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("piece 0: median 2 active dims", run.Stdout);
        Assert.Contains("piece 1: median 3 active dims", run.Stdout);
        if (!OperatingSystem.IsLinux()) return;
        NativeCache.AssertCopyExactlyWhereNeeded(cache, Path.GetDirectoryName(dll)!);
        // The NuGet cache was only read: TorchSharp's file there still has its hard need.
        foreach (string shipped in Directory.GetFiles(Path.Combine(PackedFeed.MachinePackages, "torchsharp"), NativeLoader.LibraryFile, SearchOption.AllDirectories))
            Assert.Equal(0, ElfVersionPatch.ReadVersionNeedFlags(File.ReadAllBytes(shipped), NativeLoader.GlibcxxVersion)!.Value & ElfVersionPatch.VerFlgWeak);
        if (!ElfVersionPatch.LibStdCxxLacks(NativeLoader.GlibcxxVersion)) return;
        // Where the fix is needed, the same program without it does not get past TorchSharp's first call.
        Dictionary<string, string> switchedOff = packed.ChildEnvironment(cache);
        switchedOff[NativeLoader.SwitchVariable] = "off";
        var off = ChildProcess.Run("dotnet", [dll], switchedOff, app);
        output.WriteLine($"{NativeLoader.SwitchVariable}=off: exit code {off.ExitCode}\n{string.Join('\n', (off.Stdout + off.Stderr).Split('\n').Take(3))}");
        Assert.NotEqual(0, off.ExitCode);
        Assert.Contains("TorchSharp: LoadNativeBackend", off.Stdout + off.Stderr);
    }
}
