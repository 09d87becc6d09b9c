namespace VAEase.Tests.Plotting;

/// <summary>A fresh folder under the system temp folder, deleted with everything in it on dispose.</summary>
sealed class TempFolder(string prefix = "vaease-plot") : IDisposable
{
    public string Path { get; } = Directory.CreateDirectory(
        System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}")).FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Names of everything in the folder, hidden temp files included.</summary>
    public string[] Entries() => Directory.GetFileSystemEntries(Path).Select(System.IO.Path.GetFileName).OfType<string>().Order().ToArray();

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
