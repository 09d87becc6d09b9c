using VAEase.Native;

namespace VAEase.Tests.Native;

/// <summary>Checks on a program that loaded TorchSharp as a package consumer's does.</summary>
internal static class NativeCache
{
    /// <summary>The program's folder (<paramref name="appDir"/>, RID-neutral layout) has TorchSharp's file as shipped, with its hard need, and
    /// <paramref name="cacheHome"/> (its XDG_CACHE_HOME) holds one weak-marked copy exactly where the libstdc++ lacks the version.</summary>
    public static void AssertCopyExactlyWhereNeeded(string cacheHome, string appDir)
    {
        string shipped = Path.Combine(appDir, "runtimes", "linux-x64", "native", NativeLoader.LibraryFile);
        Assert.Equal(0, ElfVersionPatch.ReadVersionNeedFlags(File.ReadAllBytes(shipped), NativeLoader.GlibcxxVersion)!.Value & ElfVersionPatch.VerFlgWeak);
        string[] copies = Directory.Exists(cacheHome) ? Directory.GetFiles(cacheHome, NativeLoader.LibraryFile, SearchOption.AllDirectories) : [];
        Assert.Equal(ElfVersionPatch.LibStdCxxLacks(NativeLoader.GlibcxxVersion) ? 1 : 0, copies.Length);
        foreach (string copy in copies)
            Assert.NotEqual(0, ElfVersionPatch.ReadVersionNeedFlags(File.ReadAllBytes(copy), NativeLoader.GlibcxxVersion)!.Value & ElfVersionPatch.VerFlgWeak);
    }
}
