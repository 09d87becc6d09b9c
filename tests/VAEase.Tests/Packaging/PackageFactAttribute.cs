namespace VAEase.Tests.Packaging;

/// <summary>A test that packs the packages and installs or builds against them outside the repo: minutes and a few
/// GB in the temp folder. It runs where VAEASE_PACKAGE_TESTS=1 (.ci/run sets it) and is skipped elsewhere; alone:
/// <c>VAEASE_PACKAGE_TESTS=1 dotnet test tests/VAEase.Tests -c Release --filter Category=Packaging</c>.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PackageFactAttribute : FactAttribute
{
    public const string Variable = "VAEASE_PACKAGE_TESTS";

    public PackageFactAttribute()
    {
        if (Environment.GetEnvironmentVariable(Variable) != "1") Skip = $"packs and installs the packages (minutes); set {Variable}=1 to run";
    }
}
