using VAEase.IO;
using VAEase.Tests.Plotting;

namespace VAEase.Tests.IO;

/// <summary>A manifest seals files written together: a reader that checks it sees a member replaced, missing, or a set
/// whose writer did not finish.</summary>
public sealed class ManifestTests
{
    [Fact]
    public void A_sealed_set_checks_and_a_replaced_missing_or_unsealed_member_is_refused()
    {
        using var folder = new TempFolder();
        string a = Path.Combine(folder.Path, "codes.npy"), b = Path.Combine(folder.Path, "codes.active.npy"), manifest = Path.Combine(folder.Path, "codes.manifest.json");
        File.WriteAllText(a, "new codes");
        File.WriteAllText(b, "new active dims");
        Manifest.Seal(manifest, [a, b]);
        Manifest.Check(manifest, "encode");

        File.WriteAllText(b, "old active dims");
        Assert.Equal($"{manifest}: codes.active.npy is not the file it sealed (replaced by another encode, or changed since); write them again",
            Assert.Throws<VAEaseException>(() => Manifest.Check(manifest, "encode")).Message);
        File.Delete(b);
        Assert.Equal($"{manifest}: its file codes.active.npy is missing", Assert.Throws<VAEaseException>(() => Manifest.Check(manifest, "encode")).Message);
        Manifest.Unseal(manifest);
        Assert.StartsWith($"{manifest} is missing: the encode that wrote its files did not finish", Assert.Throws<VAEaseException>(() => Manifest.Check(manifest, "encode")).Message);
    }
}
