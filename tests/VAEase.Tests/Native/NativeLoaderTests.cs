using System.Security.Cryptography;
using VAEase.Native;
using VAEase.Tests.Plotting;

namespace VAEase.Tests.Native;

/// <summary>The run-time half of the GLIBCXX fix. That a consumer's program really loads TorchSharp through it is
/// shown by Samples/QuickStartTests (the sample has no build-time patch) and Packaging/PackageTests.</summary>
public sealed class NativeLoaderTests : IDisposable
{
    private readonly TempFolder cache = new("vaease-native");
    private readonly byte[] shipped = OperatingSystem.IsLinux() ? Shipped() : [];

    public void Dispose() => cache.Dispose();

    static string OutputLibrary => Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", NativeLoader.LibraryFile);

    /// <summary>TorchSharp's file as shipped: the test output's copy with the need made hard again.</summary>
    static byte[] Shipped()
    {
        byte[] elf = File.ReadAllBytes(OutputLibrary);
        foreach (int offset in ElfVersionPatch.VersionNeedFlagOffsets(elf, NativeLoader.GlibcxxVersion).ToArray())
            elf[offset] &= unchecked((byte)~ElfVersionPatch.VerFlgWeak);
        return elf;
    }

    [Fact]
    public void Given_a_build_output_that_already_loads_when_the_library_starts_then_the_loader_leaves_it_untouched()
    {
        if (!OperatingSystem.IsLinux()) return;
        NativeLoad load = NativeLoader.Ensure(); // ran already, from the module initializer: this is its result
        Assert.Equal(NativeLoadOutcome.Untouched, load.Outcome);
        Assert.Equal(Path.GetFullPath(OutputLibrary), Path.GetFullPath(load.Library!));
    }

    [Fact]
    public void A_patched_copy_goes_to_a_folder_named_by_the_original_hash_and_differs_only_in_the_weak_flag()
    {
        if (!OperatingSystem.IsLinux()) return;

        string copy = NativeLoader.PatchedCopy(shipped, cache.Path);

        string folder = Path.GetDirectoryName(copy)!;
        Assert.Equal(cache.Path, Path.GetDirectoryName(folder));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(shipped))[..16], Path.GetFileName(folder));
        Assert.Equal([NativeLoader.LibraryFile], Directory.GetFileSystemEntries(folder).Select(Path.GetFileName)); // no temp file left
        byte[] patched = File.ReadAllBytes(copy);
        int flag = ElfVersionPatch.VersionNeedFlagOffsets(shipped, NativeLoader.GlibcxxVersion).Single();
        Assert.Equal([flag], Enumerable.Range(0, shipped.Length).Where(i => patched[i] != shipped[i]));
        Assert.NotEqual(0, patched[flag] & ElfVersionPatch.VerFlgWeak);
    }

    [Fact]
    public void A_second_call_keeps_an_identical_copy_and_rewrites_a_damaged_one()
    {
        if (!OperatingSystem.IsLinux()) return;
        string copy = NativeLoader.PatchedCopy(shipped, cache.Path);
        byte[] good = File.ReadAllBytes(copy);
        var stamp = new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(copy, stamp);

        Assert.Equal(copy, NativeLoader.PatchedCopy(shipped, cache.Path));
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(copy)); // not written again

        File.WriteAllBytes(copy, good[..4096]);
        Assert.Equal(copy, NativeLoader.PatchedCopy(shipped, cache.Path));
        Assert.Equal(good, File.ReadAllBytes(copy));
    }

    [Fact]
    public void A_library_without_a_hard_need_gets_no_copy()
    {
        if (!OperatingSystem.IsLinux()) return;
        byte[] weak = (byte[])shipped.Clone();
        ElfVersionPatch.MakeVersionNeedWeak(weak, NativeLoader.GlibcxxVersion);

        Assert.Throws<InvalidDataException>(() => NativeLoader.PatchedCopy(weak, cache.Path));
        Assert.Empty(Directory.GetFileSystemEntries(cache.Path));
    }
}
