using System.Text.RegularExpressions;
using VAEase.Training;

namespace VAEase.Tests.Training;

public sealed class NativeHeapTests
{
    [Fact]
    public void On_linux_the_in_process_settings_are_accepted_by_glibc()
    {
        if (!OperatingSystem.IsLinux()) return;
        Assert.True(NativeHeap.KeepFreedPages());
    }

    [Fact]
    public void The_launcher_exports_exactly_the_native_memory_environment_of_the_library()
    {
        string root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "vaease"))) root = Path.GetDirectoryName(root) ?? throw new FileNotFoundException("the vaease launcher");
        string script = File.ReadAllText(Path.Combine(root, "vaease"));
        var exported = Regex.Matches(script, @"(\w+)=""\$\{\1:-([^}]*)\}""").ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
        Assert.Equal(NativeHeap.Environment.OrderBy(kv => kv.Key), exported.OrderBy(kv => kv.Key));
    }
}
