namespace VAEase.IO;

/// <summary>Full paths with every symbolic link resolved, as realpath(3) gives them, so that two spellings of one file
/// (a link to it, a path through a linked folder) compare equal. The part of a path that does not exist yet is kept
/// as written.</summary>
public static class RealPath
{
    /// <summary>The most links followed, as Linux's limit (ELOOP).</summary>
    private const int MaxLinks = 40;

    public static string Of(string path)
    {
        string pending = Path.GetFullPath(path);
        for (int links = 0; ;)
        {
            string root = Path.GetPathRoot(pending)!, current = root;
            string[] parts = pending[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
            string? relinked = null;
            for (int i = 0; i < parts.Length && relinked is null; i++)
            {
                current = Path.Combine(current, parts[i]);
                if (new FileInfo(current).LinkTarget is not { } target) continue;
                if (++links > MaxLinks) throw new VAEaseException($"{path}: too many levels of symbolic links");
                // A relative target is relative to the link's folder; the rest of the path follows the target.
                relinked = Path.GetFullPath(Path.Combine([Path.GetDirectoryName(current)!, target, .. parts[(i + 1)..]]));
            }
            if (relinked is null) return current;
            pending = relinked;
        }
    }

    /// <summary>Whether <paramref name="inner"/> lies inside the folder <paramref name="outer"/> (both real paths), at any depth.</summary>
    public static bool IsInside(string inner, string outer) =>
        inner.Length > outer.Length && inner.StartsWith(outer, StringComparison.Ordinal) &&
        (outer.EndsWith(Path.DirectorySeparatorChar) || inner[outer.Length] == Path.DirectorySeparatorChar);
}
