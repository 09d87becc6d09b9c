using System.Reflection;

namespace VAEase.Tests;

/// <summary>Paths the build records in the test assembly (VAEase.Tests.csproj, AssemblyMetadata).</summary>
internal static class RepoPaths
{
    /// <summary>The repository's root folder.</summary>
    public static string Root => Metadata("RepoRoot");

    /// <summary>samples/QuickStart's program, built with the tests.</summary>
    public static string QuickStartDll => Metadata("QuickStartDll");

    private static string Metadata(string key) =>
        typeof(RepoPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}
