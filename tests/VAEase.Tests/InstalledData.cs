using VAEase.Data;

namespace VAEase.Tests;

/// <summary>Tests on the real image sets run where they are installed; CI installs them and sets
/// VAEASE_REQUIRE_DATASETS=1 so that a missing set fails instead of skipping.</summary>
static class InstalledData
{
    public static bool Available(string set)
    {
        if (MatrixSources.FindImageSet(set) is not null) return true;
        Assert.False(Environment.GetEnvironmentVariable("VAEASE_REQUIRE_DATASETS") == "1",
            $"{set} is not installed but VAEASE_REQUIRE_DATASETS=1 (run `vaease data install {set}`)");
        return false;
    }
}
