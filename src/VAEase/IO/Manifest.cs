using System.Security.Cryptography;

namespace VAEase.IO;

/// <summary>Files written together as one output (codes.npy with codes.active.npy), sealed by a manifest written after
/// them that records each member's SHA-256. Each member is replaced atomically, but not the set: a writer killed
/// between two renames leaves new codes beside old active dims. The writer removes the old manifest before it replaces
/// any member (<see cref="Unseal"/>) and seals the new set last (<see cref="Seal"/>), so a reader that checks the
/// manifest (<see cref="Check"/>) never pairs files of two different writes, and sees an unfinished write as one.</summary>
public sealed record Manifest
{
    /// <summary>SHA-256 (lower-case hex) of each member, by file name (members sit in the manifest's folder).</summary>
    public SortedDictionary<string, string> Files { get; init; } = new(StringComparer.Ordinal);

    /// <summary>The SHA-256 of a file's content, lower-case hex.</summary>
    public static string HashFile(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>Removes the manifest at <paramref name="path"/>, if any, before the members it sealed are replaced.</summary>
    public static void Unseal(string path)
    {
        if (File.Exists(path)) File.Delete(path);
    }

    /// <summary>Writes the manifest of <paramref name="members"/> (files in its folder), atomically.</summary>
    public static void Seal(string path, IEnumerable<string> members)
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (string member in members) files[Path.GetFileName(member)] = HashFile(member);
        Json.Write(path, new Manifest { Files = files });
    }

    /// <summary>Throws unless the manifest at <paramref name="path"/> exists and every member it lists is there with
    /// the content it records; <paramref name="writer"/> names what writes the set, for the message.</summary>
    public static void Check(string path, string writer)
    {
        if (!File.Exists(path))
            throw new VAEaseException($"{path} is missing: the {writer} that wrote its files did not finish (or they come from different runs); write them again");
        Manifest manifest = Json.Read<Manifest>(path);
        string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        foreach (var (name, hash) in manifest.Files)
        {
            string member = Path.Combine(folder, name);
            if (!File.Exists(member)) throw new VAEaseException($"{path}: its file {name} is missing");
            if (HashFile(member) != hash)
                throw new VAEaseException($"{path}: {name} is not the file it sealed (replaced by another {writer}, or changed since); write them again");
        }
    }
}
