using VAEase.IO;

namespace VAEase.Tests.IO;

public sealed class AtomicFileTests
{
    [Fact]
    public void A_write_that_fails_names_the_target_not_the_temp_file_beside_it()
    {
        string folder = Path.Combine(Path.GetTempPath(), $"vaease-missing-{Guid.NewGuid():N}"), path = Path.Combine(folder, "x.json");

        var e = Assert.Throws<VAEaseException>(() => AtomicFile.WriteAllText(path, "{}"));

        Assert.Equal($"Could not find a part of the path '{path}'.", e.Message);
        Assert.False(Directory.Exists(folder));
    }
}
