using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using VAEase.IO;

namespace VAEase.Native;

/// <summary>Lets TorchSharp's native library load where the libstdc++ is older than it asks for: TorchSharp 0.107's
/// libLibTorchSharp.so needs GLIBCXX_3.4.32 for one link-time anchor symbol only (<see cref="ElfVersionPatch"/>), and
/// Debian 12 and Ubuntu 22.04 stop at 3.4.30. There, it loads a copy with that need marked weak from the user's cache
/// ($XDG_CACHE_HOME or ~/.cache, then vaease/native/HASH/) before TorchSharp loads anything; the original (in the
/// application folder, or a NuGet cache behind it) is only read. Runs once per process, from the module initializer;
/// a program that calls TorchSharp before any VAEase type calls <see cref="Ensure"/> first.</summary>
public static class NativeLoader
{
    public const string LibraryFile = "libLibTorchSharp.so", GlibcxxVersion = "GLIBCXX_3.4.32";

    /// <summary>Set to "off" to leave TorchSharp's loading alone.</summary>
    public const string SwitchVariable = "VAEASE_NATIVE_LOADER";

    private static readonly Lazy<NativeLoad> Result = new(Load);

    /// <summary>Makes sure TorchSharp's native library will load; idempotent and cheap after the first call.
    /// Never throws: a failure is in the result (and on stderr, since TorchSharp's own error will follow).</summary>
    public static NativeLoad Ensure() => Result.Value;

#pragma warning disable CA2255 // A library's module initializer is meant for this: native set-up before any of its code runs.
    [ModuleInitializer]
    internal static void OnModuleLoad() => Ensure();
#pragma warning restore CA2255

    /// <summary>Where patched copies go: $XDG_CACHE_HOME/vaease/native, else ~/.cache/vaease/native.</summary>
    public static string CacheRoot()
    {
        string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        string root = !string.IsNullOrEmpty(xdg) && Path.IsPathRooted(xdg) // the XDG spec ignores a relative path
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(root, "vaease", "native");
    }

    /// <summary>The weak-marked copy of <paramref name="original"/> under <paramref name="cacheRoot"/>/HASH/, written
    /// (temp file + rename) unless an identical one is there. HASH: the first 16 hex digits of the original's SHA-256.</summary>
    internal static string PatchedCopy(byte[] original, string cacheRoot)
    {
        byte[] patched = (byte[])original.Clone();
        if (ElfVersionPatch.MakeVersionNeedWeak(patched, GlibcxxVersion) != ElfVersionPatch.Outcome.Patched)
            throw new InvalidDataException($"{LibraryFile} has no hard need for {GlibcxxVersion} to weaken");
        string dir = Path.Combine(cacheRoot, Convert.ToHexStringLower(SHA256.HashData(original))[..16]);
        string path = Path.Combine(dir, LibraryFile);
        if (File.Exists(path) && File.ReadAllBytes(path).AsSpan().SequenceEqual(patched)) return path;
        Directory.CreateDirectory(dir);
        AtomicFile.Write(path, stream => stream.Write(patched));
        return path;
    }

    private static NativeLoad Load()
    {
        if (!OperatingSystem.IsLinux()) return new(NativeLoadOutcome.Untouched, null, "not Linux");
        if (Environment.GetEnvironmentVariable(SwitchVariable) == "off") return new(NativeLoadOutcome.Untouched, null, $"{SwitchVariable}=off");
        string? original = FindOriginal();
        if (original is null) return new(NativeLoadOutcome.Untouched, null, $"no {LibraryFile} beside the application");
        byte[] elf;
        try
        {
            elf = File.ReadAllBytes(original);
            ushort? flags = ElfVersionPatch.ReadVersionNeedFlags(elf, GlibcxxVersion);
            if (flags is null || (flags.Value & ElfVersionPatch.VerFlgWeak) != 0)
                return new(NativeLoadOutcome.Untouched, original, $"no hard need for {GlibcxxVersion}");
            if (!ElfVersionPatch.LibStdCxxLacks(GlibcxxVersion))
                return new(NativeLoadOutcome.Untouched, original, $"libstdc++ provides {GlibcxxVersion}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            return new(NativeLoadOutcome.Untouched, original, $"could not inspect it: {e.Message}");
        }
        try
        {
            string copy = PatchedCopy(elf, CacheRoot());
            LoadWithDependencies(copy, Path.GetDirectoryName(original)!, ElfVersionPatch.NeededLibraries(elf));
            return new(NativeLoadOutcome.PatchedCopyLoaded, copy, $"{ElfVersionPatch.LibStdCxxInUse()} lacks {GlibcxxVersion}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or DllNotFoundException or BadImageFormatException)
        {
            Console.Error.WriteLine($"VAEase: {original} needs {GlibcxxVersion}, which this system's libstdc++ lacks, and a copy "
                                    + $"with that need marked weak could not be made or loaded under {CacheRoot()}: {e.Message}");
            return new(NativeLoadOutcome.Failed, original, e.Message);
        }
    }

    /// <summary>Where .NET looks first: the host's native search folders (from the app's deps.json), then TorchSharp's folder.</summary>
    private static string? FindOriginal()
    {
        var dirs = ((AppContext.GetData("NATIVE_DLL_SEARCH_DIRECTORIES") as string) ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).ToList();
        if (Path.GetDirectoryName(typeof(TorchSharp.torch).Assembly.Location) is { Length: > 0 } torchSharpDir) dirs.Add(torchSharpDir);
        return dirs.Select(dir => Path.Combine(dir, LibraryFile)).FirstOrDefault(File.Exists);
    }

    /// <summary>The copy's RUNPATH ($ORIGIN) points into the cache, so the libraries it needs from the original's folder
    /// (libtorch.so, libc10.so, libtorch_cpu.so) are loaded from there first; dlopen then binds the copy's needs to them
    /// by soname. The handles stay open for the life of the process, as TorchSharp's would.
    ///
    /// How TorchSharp then finds the copy: it loads its library with NativeLibrary.TryLoad("LibTorchSharp", assembly)
    /// and [DllImport("LibTorchSharp")]; both probe full paths first (the original, which fails) and then the bare name
    /// libLibTorchSharp.so, which dlopen matches against the DT_SONAME of the loaded copy. A DllImportResolver alone
    /// would not do: TorchSharp's TryLoad does not consult resolvers, and when it fails, TorchSharp copies ~470 MB of
    /// libtorch from the NuGet cache into the application folder and fails again.</summary>
    private static void LoadWithDependencies(string copy, string originalDir, IEnumerable<string> needed)
    {
        foreach (string path in needed.Select(name => Path.Combine(originalDir, name)).Where(File.Exists))
            NativeLibrary.Load(path);
        NativeLibrary.Load(copy);
    }
}
