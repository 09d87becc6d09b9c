namespace VAEase.IO;

/// <summary>Text from the user (paths, specs) made safe to print on one line: a file name may hold a newline or a
/// terminal escape sequence, which would otherwise split an error message or drive the terminal.</summary>
public static class Printable
{
    /// <summary>The text with every control character (and the Unicode line and paragraph separators) as \uXXXX.</summary>
    public static string Escape(string text) =>
        text.Any(IsUnsafe) ? string.Concat(text.Select(c => IsUnsafe(c) ? $"\\u{(int)c:x4}" : c.ToString())) : text;

    private static bool IsUnsafe(char c) => char.IsControl(c) || c is '\u2028' or '\u2029';
}
