using System.Runtime.InteropServices;
using VAEase.Native;
using static TorchSharp.torch;

namespace VAEase.Tests.Native;

public sealed class NativeLibraryTests
{
    const string Version = "GLIBCXX_3.4.32";

    static string OutputLibrary => Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");

    [Fact]
    public void Libtorch_loads_and_multiplies_matrices()
    {
        using var a = tensor(new float[] { 1, 2, 3, 4 }, [2, 2]);
        using var b = tensor(new float[] { 5, 6, 7, 8 }, [2, 2]);
        using var c = a.matmul(b);
        Assert.Equal(new float[] { 19, 22, 43, 50 }, c.data<float>().ToArray());
    }

    [Fact]
    public void The_build_output_library_is_weak_exactly_when_the_system_lacks_the_version()
    {
        if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux)) return;
        Assert.NotNull(ElfVersionPatch.LibStdCxxInUse());
        ushort? flags = ElfVersionPatch.ReadVersionNeedFlags(File.ReadAllBytes(OutputLibrary), Version);
        Assert.NotNull(flags);
        bool weak = (flags.Value & ElfVersionPatch.VerFlgWeak) != 0;
        Assert.Equal(ElfVersionPatch.LibStdCxxLacks(Version), weak);
    }

    [Fact]
    public void Patching_sets_only_the_weak_flag_of_the_named_version_and_is_idempotent()
    {
        if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux)) return;
        byte[] elf = File.ReadAllBytes(OutputLibrary);
        int[] offsets = ElfVersionPatch.VersionNeedFlagOffsets(elf, Version).ToArray();
        Assert.Single(offsets);
        elf[offsets[0]] &= unchecked((byte)~ElfVersionPatch.VerFlgWeak); // as shipped: a hard need
        byte[] unpatched = (byte[])elf.Clone();

        Assert.Equal(ElfVersionPatch.Outcome.Patched, ElfVersionPatch.MakeVersionNeedWeak(elf, Version));
        Assert.Equal(ElfVersionPatch.VerFlgWeak, ElfVersionPatch.ReadVersionNeedFlags(elf, Version)!.Value & ElfVersionPatch.VerFlgWeak);
        int[] changed = Enumerable.Range(0, elf.Length).Where(i => elf[i] != unpatched[i]).ToArray();
        Assert.Equal([offsets[0]], changed);

        Assert.Equal(ElfVersionPatch.Outcome.AlreadyWeak, ElfVersionPatch.MakeVersionNeedWeak(elf, Version));
        Assert.Equal(ElfVersionPatch.Outcome.VersionNotNeeded, ElfVersionPatch.MakeVersionNeedWeak(elf, "GLIBCXX_99.0"));
    }

    [Fact]
    public void The_libstdcxx_in_use_defines_its_base_version_and_not_a_future_one()
    {
        if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux)) return;
        byte[] libstdcxx = File.ReadAllBytes(ElfVersionPatch.LibStdCxxInUse()!);
        Assert.True(ElfVersionPatch.DefinesVersion(libstdcxx, "GLIBCXX_3.4"));
        Assert.False(ElfVersionPatch.DefinesVersion(libstdcxx, "GLIBCXX_99.0"));
        // A need is not a definition: TorchSharp's library needs the version and defines none of libstdc++'s.
        Assert.False(ElfVersionPatch.DefinesVersion(File.ReadAllBytes(OutputLibrary), Version));
    }

    [Fact]
    public void The_library_needs_libtorch_from_its_own_folder_and_the_system_cxx_runtime()
    {
        if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux)) return;
        List<string> needed = ElfVersionPatch.NeededLibraries(File.ReadAllBytes(OutputLibrary));
        Assert.Equal(["libtorch.so", "libc10.so", "libtorch_cpu.so", "libstdc++.so.6"], needed.Take(4));
        Assert.All(needed.Take(3), name => Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(OutputLibrary)!, name)), name));
    }

    [Fact]
    public void Patching_rejects_a_file_that_is_not_elf()
    {
        Assert.Throws<InvalidDataException>(() => ElfVersionPatch.MakeVersionNeedWeak(new byte[128], Version));
    }
}
